// A MongoDB wire-protocol server on loopback for the ReadStore contract suite.
// Run with Java 17's single-file source mode (see .ci/mongo-wire-server.sh):
//   java -cp "<jars>/*" MongoWireServer.java <port> [h2-file]
// With an H2 file the data lives on disk (the closest match to a real server's
// storage engine); without one it lives in memory.

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.util.List;
import java.util.concurrent.CountDownLatch;

public class MongoWireServer {
    public static void main(String[] args) throws InterruptedException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: MongoWireServer <port> [h2-file]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        MongoBackend backend = args.length == 2 ? new H2Backend(args[1]) : new MemoryBackend();
        backend.version(new Announced44());
        MongoServer server = new MongoServer(backend);
        server.bind("127.0.0.1", port);
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown));
        System.out.println("listening on 127.0.0.1:" + port + (args.length == 2 ? " (h2 " + args[1] + ")" : " (memory)"));
        System.out.flush();
        new CountDownLatch(1).await();
    }

    /**
     * The Node driver v7 refuses servers below wire version 9 (MongoDB 4.4), and the
     * highest version mongo-java-server ships (its MONGO_5_0) announces wire version 8.
     * The announced version only feeds the hello/buildInfo replies; no behaviour of the
     * server depends on it. Announcing the lowest version the driver accepts keeps the
     * driver from assuming features of newer servers.
     */
    static final class Announced44 implements MongoVersion {
        @Override
        public List<Integer> getVersionArray() {
            return List.of(4, 4, 0);
        }

        @Override
        public int getWireVersion() {
            return 9;
        }
    }
}
