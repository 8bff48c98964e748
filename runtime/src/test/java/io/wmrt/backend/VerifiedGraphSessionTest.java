package io.wmrt.backend;

import io.wmrt.TestRepo;
import io.wmrt.model.ModelPackage;
import io.wmrt.model.ModelPackageLoader;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A backend runs the graph whose bytes the loader verified (digest and signature), even when the file on disk is
 * replaced afterwards by another valid graph with the same tensors.
 */
class VerifiedGraphSessionTest
{
    private static final long SEED = 23;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {OrtCpuBackend.ID, NativeOrtBackend.ID})
    void shouldRunTheVerifiedGraphNotOneSwappedOnDiskAfterLoading(final String backendId) throws Exception
    {
        final Path pkg = TestRepo.copyModel("cv-baseline", tmp);
        final ModelPackage loaded = ModelPackageLoader.load(pkg, new ModelPackageLoader.Trust(true,
            List.of(TestRepo.root().resolve("models/keys/wmrt-dev.pub"))));
        assertTrue(loaded.signed());
        // Same tensors, different answers: the int8 package's rollout.
        final Path impostor = TestRepo.model("cv-baseline-int8").resolve("rollout.onnx");
        Files.copy(impostor, pkg.resolve("rollout.onnx"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(TestRepo.model("cv-baseline-int8").resolve("encoder.onnx"), pkg.resolve("encoder.onnx"),
            StandardCopyOption.REPLACE_EXISTING);

        final float[] ran = NativeOrtBackendTest.run(backend(backendId), loaded, SEED);

        final float[] original = NativeOrtBackendTest.run(backend(backendId),
            ModelPackageLoader.load(TestRepo.model("cv-baseline"), ModelPackageLoader.Trust.none()), SEED);
        final float[] swapped = NativeOrtBackendTest.run(backend(backendId),
            ModelPackageLoader.load(TestRepo.model("cv-baseline-int8"), ModelPackageLoader.Trust.none()), SEED);
        assertFalse(Arrays.equals(original, swapped), "the impostor graphs answer differently");
        assertArrayEquals(original, ran, "the verified graphs ran, bit for bit");
    }

    private static OrtBackend backend(final String id)
    {
        final OrtBackend backend = id.equals(NativeOrtBackend.ID) ? new NativeOrtBackend(1) : new OrtCpuBackend(1);
        assertTrue(backend.availability().available(), backend.availability().reason());
        return backend;
    }
}
