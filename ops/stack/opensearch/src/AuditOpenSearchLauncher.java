import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.mapper.MapperExtrasPlugin;
import org.opensearch.index.reindex.ReindexPlugin;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * Starts a single OpenSearch 2.19 node in this JVM, with the few modules the audit-log service needs
 * loaded from the classpath (no plugins/ or modules/ directories, no security manager, no bootstrap
 * checks). Used for development and tests only; see ops/stack/servers/opensearch.sh.
 *
 * Usage: java -cp 'lib/*:launcher' AuditOpenSearchLauncher key=value...
 * Every argument is an OpenSearch node setting and overrides the defaults below; path.home,
 * path.data and path.logs must be given. Index replicas are not a node setting in 2.x: callers create
 * indices (templates) with number_of_replicas 0, otherwise a single node reports yellow.
 */
public final class AuditOpenSearchLauncher extends Node {
    private static final List<Class<? extends Plugin>> PLUGINS = Arrays.asList(
        Netty4Plugin.class,
        CommonAnalysisPlugin.class,
        PainlessPlugin.class,
        ReindexPlugin.class,
        MapperExtrasPlugin.class
    );

    private AuditOpenSearchLauncher(Environment environment) {
        super(environment, PLUGINS, true);
    }

    public static void main(String[] args) throws Exception {
        Settings.Builder builder = Settings.builder()
            .put("cluster.name", "audit-log")
            .put("node.name", "audit-log-node")
            .put("network.host", "127.0.0.1")
            .put("http.port", 9200)
            .put("transport.port", 9300)
            .put("discovery.type", "single-node")
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put("logger.level", "INFO");
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got: " + arg);
            }
            builder.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        Settings settings = builder.build();
        for (String required : new String[] { "path.home", "path.data", "path.logs" }) {
            if (!settings.hasValue(required)) {
                throw new IllegalArgumentException(required + "=... is required");
            }
        }

        LogConfigurator.configureWithoutConfig(settings);
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
            settings, Collections.emptyMap(), null, () -> settings.get("node.name"));
        Node node = new AuditOpenSearchLauncher(environment);

        // OpenSearch threads are daemons: keep the JVM alive until the shutdown hook has closed the node.
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                if (!node.awaitClose(30, TimeUnit.SECONDS)) {
                    System.err.println("OpenSearch node did not close within 30s");
                }
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "audit-opensearch-shutdown"));

        try {
            node.start();
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
        stopped.await();
    }
}
