package io.tresor.imagearchive.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.tresor.imagearchive.s3.BlobSizeLimits.Buffering;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The size arithmetic: which declared sizes are refused, and which buffer an accepted one gets. */
class BlobSizeLimitsTest {
    static final int MIB = 1024 * 1024;

    @ParameterizedTest(name = "part size {0} holds at most {1} bytes")
    @CsvSource({
            "5242880,    52428800000",   // S3's smallest part: 10,000 × 5 MiB
            "8388608,    83886080000",   // the plugin's part buffers: 10,000 × 8 MiB
            "2147483647, 5497558138880", // 10,000 × 2 GiB would be 20 TiB: S3's 5 TiB object limit binds
    })
    void theLargestBlobIsTenThousandPartsCappedAtFiveTiB(int partSize, long max) {
        assertThat(BlobSizeLimits.maxBlobSize(partSize)).isEqualTo(max);
    }

    @ParameterizedTest(name = "{0} bytes with {1}-byte parts: {2}")
    @CsvSource(delimiter = '|', value = {
            "-1                  | 8388608    | is negative",
            "-9223372036854775808| 8388608    | is negative",
            "0                   | 8388608    | OWN_HEAP_BUFFER",
            "1048575             | 8388608    | OWN_HEAP_BUFFER",
            "1048576             | 8388608    | POOLED_PART",
            "83886080000         | 8388608    | POOLED_PART",
            "83886080001         | 8388608    | is above the 83886080000 bytes this archive stores per blob (S3's 10000 parts of the plugin's 8 MiB part buffers)",
            "52428800001         | 5242880    | is above the 52428800000 bytes this archive stores per blob (S3's 10000 parts of the plugin's 5 MiB part buffers)",
            "5497558138880       | 1073741824 | POOLED_PART",
            "5497558138881       | 1073741824 | is above 5 TiB, S3's largest object",
            "5497558138881       | 8388608    | is above 5 TiB, S3's largest object",
            "9223372036854775807 | 8388608    | is above 5 TiB, S3's largest object",
    })
    void aDeclaredSizeIsRefusedWithItsProblemOrBufferedWithinItsBound(long declared, int partSize, String expected) {
        var problem = BlobSizeLimits.problem(declared, partSize);
        if (expected.startsWith("is ")) {
            assertThat(problem).hasValueSatisfying(p -> assertThat(p).startsWith(expected));
        } else {
            assertThat(problem).isEmpty();
            Buffering buffering = BlobSizeLimits.buffering(declared);
            assertThat(buffering).isEqualTo(Buffering.valueOf(expected));
            // the only buffer a declared size may size is one below 1 MiB
            if (buffering == Buffering.OWN_HEAP_BUFFER) {
                assertThat(declared + 1).isLessThanOrEqualTo(MIB);
            }
        }
    }
}
