#!/usr/bin/python3
"""Checks for models/generate_cv_baseline.py and the committed packages.

Run:  /usr/bin/python3 models/test_generate_cv_baseline.py
Exits non-zero if any check fails; the last line is "N passed, M failed".

Regenerates into temporary directories and checks that the committed files
are reproduced byte for byte, that the generator is deterministic, that
onnx.checker and strict shape inference accept every graph, and that each
manifest matches its graphs (sha256, names, dtypes, shapes). onnxruntime is
not available in Python here, so the graphs are also run through a tiny numpy
evaluator (only the ops these graphs use) and compared with the CTRV closed
form; the Java tests do the same through onnxruntime.
"""

import hashlib
import os
import re
import subprocess
import sys
import tempfile
import traceback

import numpy as np
import onnx
from onnx import checker, numpy_helper, shape_inference

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True   # no __pycache__ next to the committed models
sys.path.insert(0, HERE)
import generate_cv_baseline as gen  # noqa: E402

PACKAGE_FILES = ["MODEL_CARD.md", "encoder.onnx", "manifest.yaml", "rollout.onnx"]
# Committed next to the generated files, recorded by the Java runtime, not this generator (models/GOLDEN.md).
RECORDED_FILES = ["golden.json"]
TOP_LEVEL_KEYS = ["format", "name", "version", "precision", "description", "planner",
                  "action_space", "graphs", "lineage"]

_results = []


def check(fn):
    """Register a test; run them all from main()."""
    _results.append(fn)
    return fn


def run_generator(out_dir):
    subprocess.run([sys.executable, os.path.join(HERE, "generate_cv_baseline.py"),
                    "--out", out_dir], check=True, stdout=subprocess.DEVNULL)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def sha256_file(path):
    return hashlib.sha256(read(path)).hexdigest()


def packages(root=HERE):
    for name, int8 in gen.PACKAGES:
        yield name, int8, os.path.join(root, name)


# --------------------------------------------------------------------------
# Tiny numpy evaluator for the ops used by these graphs (float32 semantics).
# --------------------------------------------------------------------------
def _quant_param(p, axis, rank):
    if p.ndim == 0:
        return p
    shape = [1] * rank
    shape[axis] = p.shape[0]
    return p.reshape(shape)


def evaluate(model, feeds):
    env = {init.name: numpy_helper.to_array(init) for init in model.graph.initializer}
    env.update(feeds)
    for node in model.graph.node:
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        x = [env[i] for i in node.input]
        op = node.op_type
        if op == "Gather":
            y = np.take(x[0], x[1], axis=attrs.get("axis", 0))
        elif op in ("Mul", "Add", "Div", "Less"):
            f = {"Mul": np.multiply, "Add": np.add, "Div": np.divide, "Less": np.less}[op]
            y = f(x[0], x[1])
        elif op in ("Sin", "Cos", "Abs"):
            y = {"Sin": np.sin, "Cos": np.cos, "Abs": np.abs}[op](x[0])
        elif op == "Where":
            y = np.where(x[0], x[1], x[2])
        elif op == "Reshape":
            y = x[0].reshape(x[1])
        elif op == "Concat":
            y = np.concatenate(x, axis=attrs["axis"])
        elif op == "Expand":
            y = x[0] * np.ones(x[1], dtype=x[0].dtype)
        elif op == "QuantizeLinear":
            axis = attrs.get("axis", 1)
            s = _quant_param(x[1], axis, x[0].ndim)
            zp = _quant_param(x[2], axis, x[0].ndim).astype(np.int32)
            q = np.rint(x[0] / s).astype(np.int32) + zp       # rint = half to even
            y = np.clip(q, -128, 127).astype(np.int8)
        elif op == "DequantizeLinear":
            axis = attrs.get("axis", 1)
            s = _quant_param(x[1], axis, x[0].ndim)
            zp = _quant_param(x[2], axis, x[0].ndim).astype(np.int32)
            y = ((x[0].astype(np.int32) - zp).astype(np.float32) * s)
        else:
            raise NotImplementedError(op)
        if isinstance(y, np.ndarray) and y.dtype == np.float64:
            raise AssertionError("float64 leaked out of %s" % node.name)
        env[node.output[0]] = y
    return {o.name: env[o.name] for o in model.graph.output}


def ctrv_reference(latent):
    """Closed form in float64: latent [1,N,6] -> [H,N,3]."""
    lat = latent[0].astype(np.float64)
    x0, y0, h0, v, w = (lat[:, i] for i in range(5))
    t = (np.arange(1, gen.H_STEPS + 1) * gen.DT_S)[:, None]
    a = w * t / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        sinc = np.where(a == 0, 1.0, np.sin(a) / np.where(a == 0, 1.0, a))
    heading = h0 + w * t
    x = x0 + v * t * np.cos(h0 + a) * sinc
    y = y0 + v * t * np.sin(h0 + a) * sinc
    return np.stack([x, y, heading], axis=-1)


def qdq_reference(lat):
    s = np.array(gen.QDQ_SCALES, dtype=np.float32)
    return (np.clip(np.rint(lat / s), -128, 127) * s).astype(np.float32)


def random_agents(seed):
    rng = np.random.default_rng(seed)
    n = gen.N_AGENTS
    agents = np.zeros((1, n, gen.F_AGENT), dtype=np.float32)
    agents[0, :, 0] = rng.uniform(-60, 60, n)
    agents[0, :, 1] = rng.uniform(-30, 30, n)
    agents[0, :, 2] = rng.uniform(-np.pi, np.pi, n)
    agents[0, :, 3] = rng.uniform(0, 30, n)
    agents[0, :, 4] = rng.uniform(-0.5, 0.5, n)
    agents[0, :, 5] = rng.uniform(3, 12, n)
    agents[0, :, 6] = rng.uniform(1.5, 2.6, n)
    agents[0, :, 7] = (rng.uniform(0, 1, n) < 0.75).astype(np.float32)
    agents[0, :3, 4] = 0.0            # straight-line agents exercise sinc(0)
    agents[0, 3, 4] = 1e-6            # |a| below the sinc threshold
    agents[0, 0:5, 7] = 1.0
    agents[0, 31, :] = 0.0            # an empty slot
    agents[0, 30, :7] = 99.0          # garbage in an empty slot must be masked
    agents[0, 30, 7] = 0.0
    return agents


def load(pkg, name):
    return onnx.load(os.path.join(pkg, name))


# --------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------
def unsigned(data):
    """A manifest's bytes before its signature block (the signature is the last top-level key)."""
    at = data.find(b"\nsignature:\n")
    return data if at < 0 else data[:at + 1]


@check
def committed_files_reproduce_byte_for_byte():
    with tempfile.TemporaryDirectory() as tmp:
        run_generator(tmp)
        for name, _, pkg in packages():
            assert sorted(os.listdir(os.path.join(tmp, name))) == PACKAGE_FILES, \
                "unexpected files in generated %s" % name
            for f in PACKAGE_FILES:
                committed = os.path.join(pkg, f)
                assert os.path.exists(committed), "missing committed %s/%s" % (name, f)
                got = read(committed)
                if f == "manifest.yaml":
                    # Committed manifests carry the signature 'wmrt sign' appended; the rest is the generator's.
                    got = unsigned(got)
                assert got == read(os.path.join(tmp, name, f)), \
                    "%s/%s differs from a fresh generation; rerun the generator (then 'wmrt sign')" % (name, f)


@check
def generator_is_deterministic():
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        run_generator(a)
        run_generator(b)
        for name, _, _ in packages():
            for f in PACKAGE_FILES:
                assert sha256_file(os.path.join(a, name, f)) == \
                    sha256_file(os.path.join(b, name, f)), "%s/%s not deterministic" % (name, f)


@check
def no_temp_files_left_behind():
    for name, _, pkg in packages():
        assert sorted(os.listdir(pkg)) == sorted(PACKAGE_FILES + RECORDED_FILES), "stray files in %s" % pkg


@check
def onnx_checker_and_strict_shape_inference_pass():
    expected = {"encoder.onnx": ("cv_encoder", "latent", [1, gen.N_AGENTS, gen.D_LATENT]),
                "rollout.onnx": ("cv_rollout", "agent_future",
                                 [gen.K_CANDIDATES, gen.H_STEPS, gen.N_AGENTS, 3])}
    for _, _, pkg in packages():
        for f, (graph_name, out, shape) in expected.items():
            path = os.path.join(pkg, f)
            before = sha256_file(path)
            # Check the in-memory proto, never the path: onnx 1.12's
            # check_model(path, full_check=True) rewrites the file in place
            # with inferred shapes, which would break the manifest sha256.
            m = onnx.load_from_string(read(path))
            checker.check_model(m, full_check=True)
            assert sha256_file(path) == before, "checker modified %s" % path
            assert m.ir_version == 8, (path, m.ir_version)
            assert [(o.domain, o.version) for o in m.opset_import] == [("", 17)], path
            assert m.graph.name == graph_name, (path, m.graph.name)
            inferred = shape_inference.infer_shapes(m, check_type=True, strict_mode=True)
            vi = {v.name: v for v in list(inferred.graph.value_info) + list(inferred.graph.output)}
            dims = [d.dim_value for d in vi[out].type.tensor_type.shape.dim]
            assert dims == shape, (path, out, dims)


@check
def actions_is_a_declared_non_initializer_input():
    for _, _, pkg in packages():
        m = load(pkg, "rollout.onnx")
        assert [i.name for i in m.graph.input] == ["latent", "actions"]
        assert "actions" not in {i.name for i in m.graph.initializer}
        assert not any("actions" in n.input for n in m.graph.node)


def parse_manifest(path):
    """Just enough parsing for the fixed format the generator writes."""
    text = read(path).decode("utf-8")
    top = [m.group(1) for m in re.finditer(r"^([a-z_]+):", text, re.M)]
    graphs = {}
    current = None
    for line in text.splitlines():
        m = re.match(r"^  (encoder|rollout):$", line)
        if m:
            current = graphs.setdefault(m.group(1), {"io": []})
            continue
        if current is None:
            continue
        m = re.match(r"^    (file|sha256): (\S+)$", line)
        if m:
            current[m.group(1)] = m.group(2)
        m = re.match(r"^      - \{name: (\w+), dtype: (\w+), shape: \[([0-9, ]+)\]\}$", line)
        if m:
            current["io"].append((m.group(1), m.group(2),
                                  [int(v) for v in m.group(3).split(", ")]))
        if re.match(r"^\S", line) and not line.startswith("graphs:"):
            current = None
    return text, top, graphs


@check
def manifests_match_graphs():
    dtypes = {onnx.TensorProto.FLOAT: "float32"}
    for name, int8, pkg in packages():
        text, top, graphs = parse_manifest(os.path.join(pkg, "manifest.yaml"))
        # Committed packages are signed: the signature block comes last, after everything generated.
        assert top == TOP_LEVEL_KEYS + ["signature"], top
        assert "signature" not in text[:text.index("\nsignature:\n")]
        assert "\t" not in text and text.endswith("\n")
        assert ("name: %s\n" % name) in text
        assert ("precision: %s\n" % ("int8-qdq" if int8 else "fp32")) in text
        assert text.count("    quantization:\n") == (2 if int8 else 0)
        assert sorted(graphs) == ["encoder", "rollout"]
        for g, entry in graphs.items():
            path = os.path.join(pkg, entry["file"])
            assert entry["file"] == g + ".onnx"
            assert re.fullmatch(r"[0-9a-f]{64}", entry["sha256"])
            assert entry["sha256"] == sha256_file(path), "%s %s sha256 mismatch" % (name, g)
            m = onnx.load(path)
            io = []
            for v in list(m.graph.input) + list(m.graph.output):
                tt = v.type.tensor_type
                io.append((v.name, dtypes[tt.elem_type], [d.dim_value for d in tt.shape.dim]))
            assert entry["io"] == io, (name, g, entry["io"], io)


@check
def qdq_only_in_int8_packages():
    for _, int8, pkg in packages():
        for f in ("encoder.onnx", "rollout.onnx"):
            m = load(pkg, f)
            ops = [n.op_type for n in m.graph.node]
            q = [n for n in m.graph.node if n.op_type in ("QuantizeLinear", "DequantizeLinear")]
            assert len(q) == (2 if int8 else 0), (pkg, f, ops)
            for n in q:
                assert [a.i for a in n.attribute if a.name == "axis"] == [2]
                scale = numpy_helper.to_array(
                    next(i for i in m.graph.initializer if i.name == n.input[1]))
                zp = numpy_helper.to_array(
                    next(i for i in m.graph.initializer if i.name == n.input[2]))
                assert scale.dtype == np.float32
                np.testing.assert_array_equal(scale, np.array(gen.QDQ_SCALES, np.float32))
                assert zp.dtype == np.int8 and zp.tolist() == gen.QDQ_ZERO_POINTS


@check
def encoder_numerics():
    agents = random_agents(1)
    valid = agents[..., 7:8]
    want = agents[..., [0, 1, 2, 3, 4, 7]] * valid
    for _, int8, pkg in packages():
        got = evaluate(load(pkg, "encoder.onnx"), {"agents": agents})["latent"]
        assert got.dtype == np.float32 and got.shape == (1, gen.N_AGENTS, gen.D_LATENT)
        assert np.all(got[0, valid[0, :, 0] == 0] == 0), "empty slots must be all zeros"
        if int8:
            np.testing.assert_array_equal(got, qdq_reference(want))
            # valid's step is 1/64, so 1.0 (64 steps) is exact on the int8 grid.
            assert np.all(got[0, valid[0, :, 0] == 1, 5] == np.float32(1.0))
        else:
            np.testing.assert_array_equal(got, want)


@check
def rollout_numerics_match_closed_form():
    agents = random_agents(2)
    latent = agents[..., [0, 1, 2, 3, 4, 7]] * agents[..., 7:8]
    actions = np.random.default_rng(3).normal(
        size=(gen.K_CANDIDATES, gen.H_STEPS, gen.A_DIMS)).astype(np.float32)
    for _, int8, pkg in packages():
        out = evaluate(load(pkg, "rollout.onnx"),
                       {"latent": latent, "actions": actions})["agent_future"]
        assert out.dtype == np.float32
        assert out.shape == (gen.K_CANDIDATES, gen.H_STEPS, gen.N_AGENTS, 3)
        assert np.isfinite(out).all()
        assert (out == out[:1]).all(), "every candidate must get the same future"
        ref = ctrv_reference(qdq_reference(latent) if int8 else latent)
        err = np.abs(out[0].astype(np.float64) - ref)
        assert err.max() < 2e-4, "max abs error %g" % err.max()
        empty = latent[0, :, 5] == 0
        assert (out[:, :, empty, :] == 0).all(), "empty slots must predict (0,0,0)"


@check
def rollout_time_vector():
    t = numpy_helper.to_array(next(i for i in load(os.path.join(HERE, "cv-baseline"),
                                                    "rollout.onnx").graph.initializer
                                   if i.name == "t"))
    assert t.shape == (gen.H_STEPS,) and t.dtype == np.float32
    np.testing.assert_allclose(t, np.arange(1, 31) * 0.2, rtol=0, atol=1e-6)
    assert t[-1] == np.float32(6.0)


def main():
    passed = failed = 0
    for fn in _results:
        try:
            fn()
        except Exception:  # noqa: BLE001 - report every failure, keep going
            failed += 1
            print("FAIL %s" % fn.__name__)
            traceback.print_exc()
        else:
            passed += 1
            print("ok   %s" % fn.__name__)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
