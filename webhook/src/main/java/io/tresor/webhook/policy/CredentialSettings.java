package io.tresor.webhook.policy;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/** The setting names of an AWS shared credentials file, reduced so that no value can survive the reduction. */
public final class CredentialSettings {

    /**
     * Stands for every name outside {@link #KNOWN} and every line that is not {@code name = value}: such text may be a
     * wrapped or mistyped value (a token fragment), so it is never kept or shown.
     */
    public static final String UNRECOGNISED = "(unrecognised)";

    /** Static keys: the only settings the SDK uses as they are, without running or assuming anything. */
    static final Set<String> STATIC = Set.of("aws_access_key_id", "aws_secret_access_key", "aws_session_token");

    /** Harmless in the credentials entry: the plugin takes the region from the location config anyway. */
    static final Set<String> HARMLESS = Set.of("region");

    /** Setting names of the AWS shared config and credentials files (SDKs and Tools reference), shown by name. */
    private static final Set<String> KNOWN = Set.of("aws_access_key_id", "aws_secret_access_key", "aws_session_token",
            "aws_account_id", "region", "output", "credential_process", "credential_source", "role_arn",
            "source_profile", "role_session_name", "external_id", "mfa_serial", "duration_seconds",
            "web_identity_token_file", "sso_session", "sso_account_id", "sso_role_name", "sso_region", "sso_start_url",
            "sso_registration_scopes", "login_session", "ca_bundle", "endpoint_url", "ignore_configured_endpoint_urls",
            "services", "use_fips_endpoint", "use_dualstack_endpoint", "sts_regional_endpoints", "s3",
            "addressing_style", "s3_use_arn_region", "s3_disable_multiregion_access_points",
            "ec2_metadata_service_endpoint", "ec2_metadata_service_endpoint_mode", "ec2_metadata_v1_disabled",
            "metadata_service_timeout", "metadata_service_num_attempts", "retry_mode", "max_attempts",
            "defaults_mode", "account_id_endpoint_mode", "request_checksum_calculation",
            "response_checksum_validation", "disable_request_compression", "request_min_compression_size_bytes",
            "sigv4a_signing_region_set", "auth_scheme_preference", "sdk_ua_app_id", "parameter_validation",
            "tcp_keepalive", "cli_pager", "cli_timestamp_format", "cli_binary_format");

    private CredentialSettings() {
    }

    /** The names in a decoded credentials entry (UTF-8; malformed bytes become replacement characters). */
    public static Set<String> names(byte[] raw) {
        CharBuffer chars;
        try {
            chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(raw));
        } catch (CharacterCodingException e) {
            return Set.of(UNRECOGNISED); // unreachable with REPLACE; fail closed anyway
        }
        try {
            return names(chars);
        } finally {
            if (chars.hasArray()) {
                Arrays.fill(chars.array(), '\0'); // the decoded credentials are not left behind for the GC
            }
        }
    }

    /**
     * The lower-cased, trimmed names of every {@code name = value} line, in every section. Blank lines, comments
     * ({@code #}, {@code ;}) and section headers count for nothing; anything else that is not a known name, such as
     * {@code export AWS_ACCESS_KEY_ID=…} or a line without {@code =}, becomes {@link #UNRECOGNISED}.
     */
    public static Set<String> names(CharSequence text) {
        Set<String> names = new TreeSet<>();
        int start = 0;
        while (start < text.length()) {
            int end = start;
            while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
                end++;
            }
            line(text, start, end, names);
            start = end + 1;
        }
        return Set.copyOf(names);
    }

    private static void line(CharSequence text, int from, int to, Set<String> names) {
        while (from < to && (Character.isWhitespace(text.charAt(from)) || text.charAt(from) == '\uFEFF')) {
            from++;
        }
        while (to > from && Character.isWhitespace(text.charAt(to - 1))) {
            to--;
        }
        if (from == to || text.charAt(from) == '#' || text.charAt(from) == ';'
                || (text.charAt(from) == '[' && text.charAt(to - 1) == ']')) {
            return;
        }
        int equals = from;
        while (equals < to && text.charAt(equals) != '=') {
            equals++;
        }
        if (equals == to) {
            names.add(UNRECOGNISED); // a continuation or a mistyped setting: Go's parser may still read it
            return;
        }
        String name = text.subSequence(from, equals).toString().trim().toLowerCase(Locale.ROOT);
        names.add(KNOWN.contains(name) ? name : UNRECOGNISED);
    }

    /**
     * What is wrong with a credentials entry that sets {@code names}, as "sets …: …; …", or "" when it holds only static
     * keys (and the harmless region). Only names from the known list appear in it.
     */
    static String problem(Set<String> names) {
        List<String> refused = new ArrayList<>(new TreeSet<>(names));
        refused.removeIf(name -> STATIC.contains(name) || HARMLESS.contains(name) || name.equals(UNRECOGNISED));
        boolean unrecognised = names.contains(UNRECOGNISED);
        if (refused.isEmpty() && !unrecognised) {
            return "";
        }
        if (unrecognised) {
            refused.add("lines that are not known `name = value` settings (not shown, they could hold values)");
        }
        return "sets " + String.join(", ", refused) + ": only the static keys aws_access_key_id, aws_secret_access_key "
                + "and aws_session_token are allowed, because Velero would run or assume any other credential setting "
                + "with its own identity; remove them" + (unrecognised ? " (the entry is an INI file: a [default] "
                + "section, then `aws_access_key_id = …` and `aws_secret_access_key = …` lines)" : "");
    }
}
