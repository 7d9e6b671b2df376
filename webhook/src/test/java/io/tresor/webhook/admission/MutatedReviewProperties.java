package io.tresor.webhook.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tresor.webhook.policy.PolicyConfig;
import io.tresor.webhook.support.ReviewCase;
import io.tresor.webhook.support.RunningWebhook;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Valid reviews, mutated at random, sent over HTTPS: always a well-formed answer, never a 5xx. */
class MutatedReviewProperties {

    private static RunningWebhook webhook;
    private static List<ReviewCase> seeds;

    @BeforeContainer
    static void start() throws Exception {
        seeds = ReviewCase.all();
        webhook = new RunningWebhook(PolicyConfig.defaults(), seeds.get(0).clusterView(), () -> true);
    }

    @AfterContainer
    static void stop() throws Exception {
        webhook.close();
    }

    @Property(tries = 400)
    void mutatedReviewsGetAWellFormedAnswer(@ForAll @IntRange(min = 0, max = 10_000) int seedIndex,
            @ForAll long randomness, @ForAll @IntRange(min = 0, max = 4) int mutation) throws Exception {
        ReviewCase seed = seeds.get(seedIndex % seeds.size());
        Random random = new Random(randomness);
        byte[] body = mutate(seed.review().deepCopy(), mutation, random);
        String path = random.nextBoolean() ? "/validate" : "/mutate";
        HttpResponse<String> response = webhook.https.review(path, body);
        assertThat(response.statusCode()).isIn(200, 400);
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
        if (response.statusCode() == 200) {
            JsonNode answer = ReviewCase.JSON.readTree(response.body());
            JsonNode sent = ReviewCase.JSON.readTree(body);
            assertThat(answer.path("kind").asText()).isEqualTo("AdmissionReview");
            assertThat(answer.path("apiVersion").asText()).isEqualTo(sent.path("apiVersion").asText());
            assertThat(answer.path("response").path("uid").asText())
                    .isEqualTo(sent.path("request").path("uid").asText());
            assertThat(answer.path("response").path("allowed").isBoolean()).isTrue();
            if (!answer.path("response").path("allowed").asBoolean()) {
                assertThat(answer.path("response").path("status").path("code").asInt()).isEqualTo(403);
                assertThat(answer.path("response").path("status").path("message").asText()).isNotBlank();
            }
        } else {
            assertThat(response.body()).startsWith("malformed AdmissionReview");
        }
    }

    private static byte[] mutate(JsonNode review, int mutation, Random random) throws Exception {
        switch (mutation) {
            case 0 -> removeRandomField(review, random);
            case 1 -> replaceRandomValue(review, random);
            case 2 -> {
                byte[] bytes = ReviewCase.JSON.writeValueAsBytes(review);
                return java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
            }
            case 3 -> {
                byte[] bytes = ReviewCase.JSON.writeValueAsBytes(review);
                for (int i = 0; i < 3; i++) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                }
                return bytes;
            }
            default -> {
                for (int i = 0; i < 5; i++) {
                    if (random.nextBoolean()) {
                        removeRandomField(review, random);
                    } else {
                        replaceRandomValue(review, random);
                    }
                }
            }
        }
        return ReviewCase.JSON.writeValueAsBytes(review);
    }

    private static void removeRandomField(JsonNode root, Random random) {
        List<ObjectNode> objects = new ArrayList<>();
        collect(root, objects);
        ObjectNode target = objects.get(random.nextInt(objects.size()));
        List<String> names = new ArrayList<>();
        target.fieldNames().forEachRemaining(names::add);
        if (!names.isEmpty()) {
            target.remove(names.get(random.nextInt(names.size())));
        }
    }

    private static void replaceRandomValue(JsonNode root, Random random) {
        List<ObjectNode> objects = new ArrayList<>();
        collect(root, objects);
        ObjectNode target = objects.get(random.nextInt(objects.size()));
        List<String> names = new ArrayList<>();
        target.fieldNames().forEachRemaining(names::add);
        if (names.isEmpty()) {
            return;
        }
        JsonNodeFactory f = JsonNodeFactory.instance;
        JsonNode value = switch (random.nextInt(7)) {
            case 0 -> f.nullNode();
            case 1 -> f.textNode(random.nextBoolean() ? "" : "team-b");
            case 2 -> f.numberNode(random.nextLong());
            case 3 -> f.booleanNode(random.nextBoolean());
            case 4 -> f.arrayNode().add("*");
            case 5 -> f.objectNode().put("name", "x");
            default -> f.textNode("http://evil.example/" + random.nextInt());
        };
        target.set(names.get(random.nextInt(names.size())), value);
    }

    private static void collect(JsonNode node, List<ObjectNode> out) {
        if (node instanceof ObjectNode object) {
            out.add(object);
            for (Iterator<JsonNode> it = object.elements(); it.hasNext();) {
                collect(it.next(), out);
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(item -> collect(item, out));
        }
    }
}
