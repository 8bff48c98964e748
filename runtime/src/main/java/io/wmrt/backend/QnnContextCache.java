package io.wmrt.backend;

import io.wmrt.bus.OwnerOnlyFiles;
import io.wmrt.config.AtomicFiles;
import io.wmrt.model.ModelSignature;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Compiled QNN contexts kept between starts, so that the HTP graph is compiled once per graph, SoC and QNN stack
 * rather than at every start. ONNX Runtime writes a context model ({@code _ctx.onnx}, the QNN context binary
 * embedded) when a session is created from the original graph with {@code ep.context_enable=1}, and refuses to
 * when the file exists; reuse means creating the session from the context model. This class owns the files, and
 * decides which of the two a start does.
 * <pre>{@code
 *   <cache_dir>/                          0700, the runtime user's own (else refused)
 *     <base>_ctx.onnx                     0600, the context model
 *     <base>_ctx.onnx.meta                0600, what it was compiled from and by
 *     <base>_ctx.onnx.corrupt             the last one refused, kept for a post-mortem
 *     .<base>.<pid>-<nonce>.tmp_ctx.onnx  being compiled, renamed into place when whole
 *
 *   <base> = <graph sha256>-<soc>-<htp arch>, e.g. 3f2a...9c-sa8650p-v73
 * }</pre>
 * soc is lower case, arch as the profile spells it. The metadata file is {@code key=value} lines, every key
 * once:
 * <pre>{@code
 *   format=1
 *   graph_sha256=<64 hex>       the graph compiled (the manifest's digest)
 *   soc=SA8650P
 *   htp_arch=v73
 *   onnxruntime=1.24.1
 *   qnn_provider=plugin QNNExecutionProvider 2.3.0   or: built into ONNX Runtime 1.24.1
 *   qnn_backend=libQnnHtp.so sha256:<16 hex>       the QNN backend library, by content
 *   ctx_sha256=<64 hex>         the context model's own digest, to detect a damaged file
 *   ctx_bytes=<length>
 * }</pre>
 * What a start does with each graph ({@link #inspect(String)}, then {@link OrtQnnBackend}):
 * <pre>
 *   nothing cached                                  MISSING  compile             "compiled context cache ..."
 *   metadata names another graph digest, SoC, arch,
 *   ONNX Runtime, QNN provider or backend library   STALE    discard, compile    "regenerated ... because ..."
 *   no metadata, metadata unparsable, context model
 *   missing, of another length or digest            CORRUPT  set aside, compile  "rebuilt ...: corrupt (...)"
 *   all agree                                       VALID    load it             "loaded context cache ..."
 *     and the provider refuses it                   CORRUPT  set aside, compile  "rebuilt ...: corrupt (...)"
 * </pre>
 * Compiling happens on the QNN provider with CPU fallback disabled: a cache entry that cannot be used is never a
 * reason to run the graph on the CPU under the NPU's name.
 * <p>
 * The context model is renamed into place before its metadata is written (atomically): a crash between the two
 * leaves a context model without metadata, which the next start rebuilds. Several processes sharing a cache dir
 * are safe in the same way: the last to finish wins, and a mismatched pair is rebuilt.
 * <p>
 * Not thread safe: used by the thread that prepares graphs, at start-up.
 */
final class QnnContextCache
{
    static final String CTX_SUFFIX = "_ctx.onnx";
    static final String META_SUFFIX = ".meta";
    static final String CORRUPT_SUFFIX = ".corrupt";
    private static final String TEMP_SUFFIX = ".tmp_ctx.onnx";
    private static final String FORMAT = "1";

    /**
     * What a start finds for a graph.
     */
    enum State
    {
        /** Nothing cached: compile. */
        MISSING,
        /** Metadata and digest agree with the graph, SoC and stack: load the context model. */
        VALID,
        /** Compiled for another graph, SoC or QNN stack: regenerate. */
        STALE,
        /** Damaged or half written: set aside and rebuild. */
        CORRUPT
    }

    /**
     * @param state   what to do.
     * @param ctxFile the context model's path.
     * @param reason  for STALE and CORRUPT, why: "QNN provider plugin QNNExecutionProvider 2.2.0 -> ... 2.3.0".
     */
    record Inspection(State state, Path ctxFile, String reason)
    {
    }

    /**
     * The software that compiles and loads contexts: a context compiled by one stack may be refused by another
     * (QNN reports a version or SoC mismatch), so a change of any of them regenerates it.
     *
     * @param onnxRuntime ONNX Runtime's version.
     * @param qnnProvider which QNN provider and its version.
     * @param qnnBackend  the QNN backend library and its content digest.
     */
    record Stack(String onnxRuntime, String qnnProvider, String qnnBackend)
    {
    }

    /**
     * The metadata keys, in file order, with the words a message uses for each.
     */
    enum Key
    {
        FORMAT_KEY("format", "metadata format"),
        GRAPH("graph_sha256", "graph digest"),
        SOC("soc", "SoC"),
        HTP_ARCH("htp_arch", "HTP arch"),
        ONNX_RUNTIME("onnxruntime", "ONNX Runtime"),
        QNN_PROVIDER("qnn_provider", "QNN provider"),
        QNN_BACKEND("qnn_backend", "QNN backend library"),
        CTX_SHA256("ctx_sha256", "context model digest"),
        CTX_BYTES("ctx_bytes", "context model length");

        final String key;
        final String words;

        Key(final String key, final String words)
        {
            this.key = key;
            this.words = words;
        }
    }

    private final Path dir;
    private final String soc;
    private final String htpArch;
    private final Stack stack;

    QnnContextCache(final Path dir, final String soc, final String htpArch, final Stack stack)
    {
        this.dir = dir;
        this.soc = soc;
        this.htpArch = htpArch;
        this.stack = stack;
    }

    /**
     * Create the directory 0700, or check the one there.
     *
     * @throws IOException naming the path, when it is a link, another user's or open to others.
     */
    void open() throws IOException
    {
        OwnerOnlyFiles.createOrCheckDirectory(dir, "a QNN context cache directory", "npu.context_cache_dir");
    }

    Path dir()
    {
        return dir;
    }

    Stack stack()
    {
        return stack;
    }

    Path ctxFile(final String graphSha256)
    {
        return dir.resolve(baseName(graphSha256) + CTX_SUFFIX);
    }

    Path metaFile(final String graphSha256)
    {
        return dir.resolve(baseName(graphSha256) + CTX_SUFFIX + META_SUFFIX);
    }

    Path corruptFile(final String graphSha256)
    {
        return dir.resolve(baseName(graphSha256) + CTX_SUFFIX + CORRUPT_SUFFIX);
    }

    /**
     * @return where the provider should write a new context model: in the cache dir, so that renaming it into
     *         place is atomic, and not existing yet, since ONNX Runtime refuses to overwrite.
     */
    Path temporaryCtxFile(final String graphSha256)
    {
        return dir.resolve("." + baseName(graphSha256) + "." + ProcessHandle.current().pid() + "-" +
            Long.toHexString(System.nanoTime()) + TEMP_SUFFIX);
    }

    /**
     * Look at what is cached for the graph, checking the metadata against this SoC and stack and the context
     * model against its recorded digest.
     */
    Inspection inspect(final String graphSha256) throws IOException
    {
        final Path ctx = ctxFile(graphSha256);
        final Path meta = metaFile(graphSha256);
        final boolean hasCtx = Files.exists(ctx, LinkOption.NOFOLLOW_LINKS);
        final boolean hasMeta = Files.exists(meta, LinkOption.NOFOLLOW_LINKS);
        if (!hasCtx && !hasMeta)
        {
            return new Inspection(State.MISSING, ctx, null);
        }
        if (!hasMeta)
        {
            return new Inspection(State.CORRUPT, ctx, "no metadata beside it (" + meta.getFileName() + ")");
        }
        if (!hasCtx)
        {
            return new Inspection(State.CORRUPT, ctx, "its metadata is there but the context model is not");
        }
        if (!Files.isRegularFile(ctx, LinkOption.NOFOLLOW_LINKS))
        {
            return new Inspection(State.CORRUPT, ctx, "not a regular file");
        }

        final Map<Key, String> recorded;
        try
        {
            recorded = parse(Files.readString(meta, StandardCharsets.UTF_8));
        }
        catch (final IllegalArgumentException | MalformedInputException ex)
        {
            return new Inspection(State.CORRUPT, ctx, "unparsable metadata " + meta.getFileName() + ": " +
                ex.getMessage());
        }

        final Map<Key, String> expected = identity(graphSha256);
        for (final Map.Entry<Key, String> field : expected.entrySet())
        {
            final String was = recorded.get(field.getKey());
            if (!field.getValue().equals(was))
            {
                return new Inspection(State.STALE, ctx, field.getKey().words + " " + was + " -> " + field.getValue());
            }
        }

        final long length = Files.size(ctx);
        if (!Long.toString(length).equals(recorded.get(Key.CTX_BYTES)))
        {
            return new Inspection(State.CORRUPT, ctx, "it is " + length + " bytes, its metadata says " +
                recorded.get(Key.CTX_BYTES));
        }
        final String digest = sha256(ctx);
        if (!digest.equals(recorded.get(Key.CTX_SHA256)))
        {
            return new Inspection(State.CORRUPT, ctx, "sha256 " + digest + " differs from the " +
                recorded.get(Key.CTX_SHA256) + " its metadata records");
        }
        return new Inspection(State.VALID, ctx, null);
    }

    /**
     * Move a freshly written context model into place, 0600, and write its metadata beside it.
     *
     * @param temporary the file the provider wrote, from {@link #temporaryCtxFile(String)}.
     */
    void commit(final Path temporary, final String graphSha256) throws IOException
    {
        if (!Files.isRegularFile(temporary, LinkOption.NOFOLLOW_LINKS))
        {
            throw new NoSuchFileException(temporary.toString(), null,
                "the QNN provider created the session but wrote no context model");
        }
        Files.setPosixFilePermissions(temporary, OwnerOnlyFiles.FILE_MODE);
        final String digest = sha256(temporary);
        final long length = Files.size(temporary);
        final Path ctx = ctxFile(graphSha256);
        try
        {
            Files.move(temporary, ctx, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final AtomicMoveNotSupportedException ex)
        {
            Files.move(temporary, ctx, StandardCopyOption.REPLACE_EXISTING);
        }

        final Map<Key, String> fields = identity(graphSha256);
        fields.put(Key.CTX_SHA256, digest);
        fields.put(Key.CTX_BYTES, Long.toString(length));
        AtomicFiles.write(metaFile(graphSha256), format(fields).getBytes(StandardCharsets.UTF_8), true);
    }

    /**
     * Remove an entry compiled for something else: metadata first, so that a crash leaves no entry that claims to
     * be valid.
     */
    void discard(final String graphSha256) throws IOException
    {
        Files.deleteIfExists(metaFile(graphSha256));
        Files.deleteIfExists(ctxFile(graphSha256));
    }

    /**
     * Move a damaged context model aside (replacing the previous one set aside) and drop its metadata.
     *
     * @return where it went, or null when there was no context model to keep.
     */
    Path setAside(final String graphSha256) throws IOException
    {
        Files.deleteIfExists(metaFile(graphSha256));
        final Path ctx = ctxFile(graphSha256);
        if (!Files.exists(ctx, LinkOption.NOFOLLOW_LINKS))
        {
            return null;
        }
        final Path aside = corruptFile(graphSha256);
        Files.move(ctx, aside, StandardCopyOption.REPLACE_EXISTING);
        return aside;
    }

    /**
     * @return a hex SHA-256 of the file's content (a context model is well under ONNX's 2 GB protobuf limit).
     */
    static String sha256(final Path file) throws IOException
    {
        return ModelSignature.sha256Hex(Files.readAllBytes(file));
    }

    private String baseName(final String graphSha256)
    {
        return graphSha256.toLowerCase(Locale.ROOT) + "-" + soc.toLowerCase(Locale.ROOT) + "-" +
            htpArch.toLowerCase(Locale.ROOT);
    }

    private Map<Key, String> identity(final String graphSha256)
    {
        final Map<Key, String> fields = new EnumMap<>(Key.class);
        fields.put(Key.FORMAT_KEY, FORMAT);
        fields.put(Key.GRAPH, graphSha256.toLowerCase(Locale.ROOT));
        fields.put(Key.SOC, soc);
        fields.put(Key.HTP_ARCH, htpArch);
        fields.put(Key.ONNX_RUNTIME, stack.onnxRuntime());
        fields.put(Key.QNN_PROVIDER, stack.qnnProvider());
        fields.put(Key.QNN_BACKEND, stack.qnnBackend());
        return fields;
    }

    static String format(final Map<Key, String> fields)
    {
        final StringBuilder text = new StringBuilder(
            "# wmrt QNN context cache entry: what the context model beside it was compiled from and by\n");
        for (final Map.Entry<Key, String> field : fields.entrySet())
        {
            text.append(field.getKey().key).append('=').append(field.getValue()).append('\n');
        }
        return text.toString();
    }

    /**
     * @throws IllegalArgumentException naming the line or key at fault.
     */
    static Map<Key, String> parse(final String text)
    {
        final Map<Key, String> fields = new EnumMap<>(Key.class);
        final String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++)
        {
            final String line = lines[i];
            if (line.isEmpty() || line.startsWith("#"))
            {
                continue;
            }
            final int equals = line.indexOf('=');
            final Key key = equals > 0 ? keyOf(line.substring(0, equals)) : null;
            if (null == key)
            {
                throw new IllegalArgumentException("line " + (i + 1) + " is not a known key=value");
            }
            if (null != fields.put(key, line.substring(equals + 1)))
            {
                throw new IllegalArgumentException(key.key + " is given twice");
            }
        }
        for (final Key key : Key.values())
        {
            if (!fields.containsKey(key))
            {
                throw new IllegalArgumentException(key.key + " is missing");
            }
        }
        if (!fields.get(Key.CTX_SHA256).matches("[0-9a-f]{64}"))
        {
            throw new IllegalArgumentException("ctx_sha256 is not 64 hex digits");
        }
        return fields;
    }

    private static Key keyOf(final String name)
    {
        for (final Key key : Key.values())
        {
            if (key.key.equals(name))
            {
                return key;
            }
        }
        return null;
    }
}
