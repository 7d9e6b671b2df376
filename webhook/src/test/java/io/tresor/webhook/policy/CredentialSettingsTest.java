package io.tresor.webhook.policy;

import static io.tresor.webhook.policy.CredentialSettings.UNRECOGNISED;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Setting names of a credentials entry as the AWS SDK would see them, without ever keeping a value. */
class CredentialSettingsTest {

    @Test
    void staticKeysInAnyProfileWithCrlfCommentsAndSpaces() {
        String file = "\uFEFF# rotated\r\n[default]\r\n  AWS_ACCESS_KEY_ID =  AKIAEXAMPLE \r\naws_secret_access_key=a=b==\r\n"
                + "; comment = role_arn\r\n\r\n[profile other]\raws_session_token\t=\ttoken\r[sso-session x]\n"
                + "region=eu-central-1\n";
        Set<String> names = CredentialSettings.names(file);
        assertThat(names).containsExactlyInAnyOrder("aws_access_key_id", "aws_secret_access_key", "aws_session_token",
                "region");
        assertThat(CredentialSettings.problem(names)).isEmpty();
    }

    @Test
    void roleAndProcessSettingsAreNamedSortedAndRefused() {
        String file = "[default]\ncredential_process = /bin/sh -c 'id'\n[profile a]\nROLE_ARN=arn:aws:iam::1:role/x\n"
                + "source_profile=default\n  web_identity_token_file = /var/run/token\nsso_start_url=https://x\n"
                + "ca_bundle=/etc/pki/ca.pem\nendpoint_url = https://sts.example\n";
        Set<String> names = CredentialSettings.names(file);
        assertThat(names).containsExactlyInAnyOrder("credential_process", "role_arn", "source_profile",
                "web_identity_token_file", "sso_start_url", "ca_bundle", "endpoint_url");
        String problem = CredentialSettings.problem(names);
        assertThat(problem).startsWith("sets ca_bundle, credential_process, endpoint_url, role_arn, source_profile, "
                + "sso_start_url, web_identity_token_file: only the static keys").doesNotContain("/bin/sh", "arn:aws");
    }

    @ParameterizedTest
    @ValueSource(strings = {"export AWS_ACCESS_KEY_ID=AKIAEXAMPLE", "aws_session_token FQoGZXIvYXdzSECRETVALUE==",
            "[default\naws_access_key_id=x", "aws_secret_access_key: secretvalue", "= orphan value",
            "aws_access_key_id=x\n    continuedsecretvalue", "secretvaluewithoutname="})
    void anythingElseIsUnrecognisedAndNeverShown(String file) {
        Set<String> names = CredentialSettings.names(file);
        assertThat(names).contains(UNRECOGNISED);
        String problem = CredentialSettings.problem(names);
        assertThat(problem).contains("not shown").doesNotContainIgnoringCase("secretvalue").doesNotContain("AKIA",
                "FQoG", "orphan", "export");
    }

    @Test
    void bytesThatAreNotTextCountAsUnrecognised() {
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i * 37 + 0x80);
        }
        assertThat(CredentialSettings.names(key)).containsExactly(UNRECOGNISED);
    }

    @Test
    void emptyAndCommentOnlyEntriesSetNothing() {
        assertThat(CredentialSettings.names("")).isEmpty();
        assertThat(CredentialSettings.names("\r\n# only = a comment\n;\n[default]\n".getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
        assertThat(CredentialSettings.problem(Set.of())).isEmpty();
    }
}
