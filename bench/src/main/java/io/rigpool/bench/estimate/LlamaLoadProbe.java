package io.rigpool.bench.estimate;

import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.args.CacheType;
import java.util.Locale;

/**
 * A child process that loads one model with java-llama.cpp (llama.cpp b4916), logging to a file, and exits: 0 when
 * the model loaded, 2 when it did not. Used when the runner is not built; one process per load because
 * java-llama.cpp does not give a model's memory back on close.
 *
 * <p>Arguments: model ctx parallel threads batch ubatch flashAttn(true|false) cacheK cacheV mmap(true|false) log.
 */
public final class LlamaLoadProbe {

    private LlamaLoadProbe() {
    }

    public static void main(String[] a) {
        int status = 2;
        try {
            ModelParameters p = new ModelParameters().setModel(a[0]).setCtxSize(Integer.parseInt(a[1]))
                    .setParallel(Integer.parseInt(a[2])).setThreads(Integer.parseInt(a[3]))
                    .setBatchSize(Integer.parseInt(a[4])).setUbatchSize(Integer.parseInt(a[5])).setGpuLayers(0)
                    .setCacheTypeK(CacheType.valueOf(a[7].toUpperCase(Locale.ROOT)))
                    .setCacheTypeV(CacheType.valueOf(a[8].toUpperCase(Locale.ROOT))).setLogFile(a[10])
                    .skipWarmup();
            if (Boolean.parseBoolean(a[6])) {
                p.enableFlashAttn();
            }
            if (!Boolean.parseBoolean(a[9])) {
                p.disableMmap();
            }
            try (LlamaModel model = new LlamaModel(p)) {
                status = 0;
            }
        } catch (Throwable t) {
            System.err.println("load failed: " + t);
        }
        // java-llama.cpp leaves a non-daemon native thread behind; end the process explicitly.
        Runtime.getRuntime().halt(status);
    }
}
