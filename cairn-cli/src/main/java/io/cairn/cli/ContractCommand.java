package io.cairn.cli;

import io.cairn.client.HttpCall;
import io.cairn.client.HttpReply;
import io.cairn.client.JettyTransport;
import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Json;
import io.cairn.core.contracts.ContractCriteria;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code cairn contract ADDRESS --size-mb S --duration-days D --availability PCT --speed-mbps V
 * [--replicas N] [--wait SECONDS]}: {@code POST /contracts} on the node (SPEC §3.6), printing the
 * contract's id and topic; with {@code --wait}, then polls {@code GET /contracts/{id}} until N
 * nodes store the data (exit 1 if they do not in time). {@code cairn contract --show ID} prints
 * a contract's state as JSON. Contracts live on the node that published them: ask that node.
 */
@Command(name = "contract", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Publish a storage contract for a block or file, or show one.")
final class ContractCommand implements Callable<Integer> {
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    static final Duration POLL = Duration.ofMillis(500);

    @ParentCommand
    Main main;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ClientOptions client;

    @Parameters(arity = "0..1", paramLabel = "ADDRESS", description = "the block or file (manifest) address")
    String address;

    @Option(names = "--show", paramLabel = "ID", description = "print the state of contract ID instead")
    String show;

    @Option(names = "--size-mb", paramLabel = "MB", description = "data size in MB (10^6 bytes)")
    String sizeMb;

    @Option(names = "--duration-days", paramLabel = "DAYS", description = "how long the data is held")
    String durationDays;

    @Option(names = "--availability", paramLabel = "PCT", description = "required availability, 0..100 %%")
    String availability;

    @Option(names = "--speed-mbps", paramLabel = "MBPS", description = "required speed, Mbit/s")
    String speedMbps;

    @Option(names = "--replicas", paramLabel = "N", defaultValue = "2", description = "holders wanted (default 2)")
    int replicas;

    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "0",
            description = "wait up to this long for the holders to store the data (default: do not wait)")
    int waitSeconds;

    @Override
    public Integer call() throws Exception {
        try (JettyTransport transport = new JettyTransport(null)) {
            if (show != null) {
                if (address != null) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "give an ADDRESS or --show ID, not both");
                }
                print(call(transport, "GET", "/contracts/" + show, null));
                return Main.EXIT_OK;
            }
            if (address == null || sizeMb == null || durationDays == null || availability == null || speedMbps == null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "need ADDRESS, --size-mb, --duration-days, --availability and --speed-mbps (or --show ID)");
            }
            Address a;
            try {
                a = Address.parse(address);
            } catch (CairnException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), address + " is not an address");
            }
            ContractCriteria c = TopicCommand.criteria(spec, sizeMb, durationDays, availability, speedMbps);
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("address", a.hex());
            body.put("size", c.sizeMb());
            body.put("durationDays", c.durationDays());
            body.put("availability", c.availabilityPct());
            body.put("speedMbps", c.speedMbps());
            body.put("replicas", replicas);
            JsonNode created = call(transport, "POST", "/contracts", Json.MAPPER.writeValueAsBytes(body));
            String id = created.path("id").asString();
            main.out().println("contract " + id + " topic " + created.path("topic").asString());
            main.out().flush();
            if (waitSeconds > 0) {
                return waitStored(transport, id);
            }
            return Main.EXIT_OK;
        }
    }

    private int waitStored(JettyTransport transport, String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(waitSeconds).toNanos();
        while (true) {
            JsonNode state = call(transport, "GET", "/contracts/" + id, null);
            if (state.path("stored").size() >= replicas) {
                print(state);
                return Main.EXIT_OK;
            }
            if (System.nanoTime() > deadline) {
                throw new CairnException(ErrorCode.UNAVAILABLE, "after " + waitSeconds + " s, " + state.path("stored").size()
                        + " of " + replicas + " holders store contract " + id + " (" + state.path("offers").size() + " offers)");
            }
            Thread.sleep(POLL); // a CLI poll loop, bounded by --wait
        }
    }

    private void print(JsonNode json) {
        main.out().println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json));
        main.out().flush();
    }

    private JsonNode call(JettyTransport transport, String method, String path, byte[] body) {
        URI node = io.cairn.core.NodeInfoCodec.url(client.node.toString());
        HttpCall call = new HttpCall(method, node.resolve(path), body == null ? Map.of() : Map.of("Content-Type", "application/json"),
                body == null ? null : ByteBuffer.wrap(body), CALL_TIMEOUT, false);
        HttpReply reply;
        try {
            reply = transport.exchange(call).join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        if (!reply.ok()) {
            JsonNode error = parse(reply.body());
            throw new CairnException(ErrorCode.ofStatus(reply.status()), method + " " + path + ": " + reply.status() + " "
                    + (error == null ? new String(reply.body(), StandardCharsets.UTF_8) : error.path("message").asString()));
        }
        return parse(reply.body());
    }

    private static JsonNode parse(byte[] body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
