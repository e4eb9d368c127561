package dev.eventflow.jobs.diagnose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * GETs JSON from one HTTP API (Flink's REST API, Prometheus's query API) with a timeout; a failure
 * names the URL and the cause, and an answer other than 200 is an error that shows its status and
 * body, as the probes report them.
 */
final class JsonHttpClient {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String name;
    private final String baseUrl;
    private final Duration timeout;
    private final HttpClient http;

    /**
     * @param name what answers, for error messages ("Flink REST", "Prometheus")
     * @param url the API's base URL; a trailing slash is dropped
     */
    JsonHttpClient(String name, String url, Duration timeout) {
        this.name = name;
        this.baseUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    String baseUrl() {
        return baseUrl;
    }

    /** The JSON answer to {@code GET <base URL><pathAndQuery>}. */
    JsonNode get(String pathAndQuery) throws IOException, InterruptedException {
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
                        .timeout(timeout)
                        .header("Accept", "application/json")
                        .GET()
                        .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IOException(
                    "GET "
                            + baseUrl
                            + pathAndQuery
                            + ": "
                            + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : " " + e.getMessage()),
                    e);
        }
        if (response.statusCode() != 200) {
            throw new IOException(
                    name
                            + " answered HTTP "
                            + response.statusCode()
                            + " to GET "
                            + pathAndQuery
                            + ": "
                            + response.body());
        }
        return MAPPER.readTree(response.body());
    }
}
