package io.tresor.webhook.admission;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tresor.webhook.policy.AdmissionRequest;
import io.tresor.webhook.policy.Fields;
import io.tresor.webhook.policy.Operation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Reads {@code admission.k8s.io/v1} AdmissionReview requests and writes their responses. */
public final class AdmissionReviewCodec {

    /** What the apiserver sent: the review's own apiVersion/kind (echoed back) and the request. */
    public record Review(String apiVersion, String kind, AdmissionRequest request) {
    }

    private final ObjectMapper mapper;

    public AdmissionReviewCodec() {
        // deeply nested junk must not exhaust the stack of a request thread
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build()).build();
        this.mapper = JsonMapper.builder(factory).build();
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public Review decode(byte[] body) throws MalformedReviewException {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw new MalformedReviewException("body is not valid JSON" + (at == null ? " (too deeply nested)"
                    : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (IOException e) {
            throw new MalformedReviewException("body could not be read as JSON");
        }
        if (root == null || !root.isObject()) {
            throw new MalformedReviewException("body must be a JSON object (an admission.k8s.io/v1 AdmissionReview)");
        }
        String apiVersion = Fields.text(root, "apiVersion");
        if (!apiVersion.equals("admission.k8s.io/v1") && !apiVersion.equals("admission.k8s.io/v1beta1")) {
            throw new MalformedReviewException("apiVersion must be admission.k8s.io/v1, got '" + apiVersion + "'");
        }
        if (!"AdmissionReview".equals(Fields.text(root, "kind"))) {
            throw new MalformedReviewException("kind must be AdmissionReview");
        }
        JsonNode request = root.path("request");
        if (!request.isObject()) {
            throw new MalformedReviewException("request is missing");
        }
        String uid = required(request, "uid");
        String kind = required(request.path("kind"), "kind");
        Operation operation;
        try {
            operation = Operation.parse(required(request, "operation"));
        } catch (IllegalArgumentException e) {
            throw new MalformedReviewException(e.getMessage());
        }
        JsonNode object = request.path("object");
        JsonNode oldObject = request.path("oldObject");
        if (operation != Operation.DELETE && !object.isObject()) {
            throw new MalformedReviewException("request.object must be an object for " + operation);
        }
        if (operation == Operation.UPDATE && !oldObject.isObject()) {
            throw new MalformedReviewException("request.oldObject must be an object for UPDATE");
        }
        List<String> groups = new ArrayList<>(Fields.strings(request, "userInfo", "groups"));
        return new Review(apiVersion, "AdmissionReview", new AdmissionRequest(uid,
                Fields.text(request, "kind", "group"), Fields.text(request, "kind", "version"), kind,
                Fields.text(request, "namespace"), Fields.text(request, "name"), operation,
                Fields.text(request, "userInfo", "username"), groups, Fields.isTrue(request, "dryRun"),
                object, oldObject));
    }

    public byte[] encode(String apiVersion, String kind, AdmissionResponse response) {
        ObjectNode root = mapper.createObjectNode();
        root.put("apiVersion", apiVersion);
        root.put("kind", kind);
        ObjectNode out = root.putObject("response");
        out.put("uid", response.uid());
        out.put("allowed", response.allowed());
        if (!response.allowed()) {
            ObjectNode status = out.putObject("status");
            status.put("code", response.code());
            status.put("reason", "Forbidden");
            status.put("message", response.message());
        }
        if (!response.warnings().isEmpty()) {
            ArrayNode warnings = out.putArray("warnings");
            response.warnings().forEach(warnings::add);
        }
        if (response.patch() != null) {
            out.put("patchType", "JSONPatch");
            out.put("patch", Base64.getEncoder().encodeToString(response.patch()));
        }
        try {
            return mapper.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise an AdmissionReview response", e);
        }
    }

    private static String required(JsonNode node, String field) throws MalformedReviewException {
        JsonNode value = node.path(field);
        if (!value.isTextual() || value.asText().isEmpty()) {
            throw new MalformedReviewException("request " + field + " must be a non-empty string");
        }
        return value.asText();
    }
}
