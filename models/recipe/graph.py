"""One graph program, two ways to run it.

The world model is written once, as a function of an `ops` object, using only
the ops that both ONNX Runtime's CPU provider and the QNN HTP backend run
(OP_SET below). Two implementations of `ops` exist:

    TorchOps     runs the program on torch tensors: training, evaluation and
                 the int8 simulation (quantize-dequantize with the exported
                 scales, or observing activation ranges for calibration)
    OnnxEmitter  records the program as ONNX nodes and initializers, tracking
                 every value's static shape by running the same program on
                 zeros with the numpy kernels below

so the exported graph is, node for node, the computation that was trained.
`evaluate()` runs a serialized model with the same numpy kernels: it is how the
recipe checks the files it wrote against torch (Python has no onnxruntime here;
the Java side runs the real thing).

Conventions shared by both: Reshape takes ONNX's shape semantics (0 copies the
input dimension, -1 is inferred); reductions keep dimensions unless told;
QuantizeLinear divides by the scale and rounds half to even, as ONNX does.
"""

import numpy as np
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
# IR 8 is what opset 17 maps to in onnx 1.12 and is loadable by onnxruntime 1.24.
IR_VERSION = 8

# Every op a program may use: each runs on ONNX Runtime's CPU provider and on the QNN HTP backend.
OP_SET = frozenset([
    "MatMul", "Gemm", "Add", "Sub", "Mul", "Relu", "Sigmoid", "Tanh", "Sin", "Cos", "Concat", "Reshape",
    "Transpose", "Slice", "Unsqueeze", "Squeeze", "ReduceMax", "ReduceMin", "ReduceSum", "Clip",
    "QuantizeLinear", "DequantizeLinear"])

INT8_MIN = -128
INT8_MAX = 127
INT32_MIN = -2 ** 31
INT32_MAX = 2 ** 31 - 1


# --------------------------------------------------------------------------
# numpy kernels: float32 in, float32 out (the emitter's shape tracking and the verifier)
# --------------------------------------------------------------------------
def _per_axis(p, axis, rank):
    if p.ndim == 0:
        return p
    shape = [1] * rank
    shape[axis] = p.shape[0]
    return p.reshape(shape)


def _reshape_target(shape_in, target):
    out = [shape_in[i] if d == 0 else int(d) for i, d in enumerate(target)]
    if -1 in out:
        known = int(np.prod([d for d in out if d != -1]))
        out[out.index(-1)] = int(np.prod(shape_in)) // max(known, 1)
    return out


def _kernel(op, x, attrs):
    if op == "MatMul":
        return np.matmul(x[0], x[1])
    if op == "Gemm":
        return np.matmul(x[0], x[1]) + x[2]
    if op in ("Add", "Sub", "Mul"):
        return {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply}[op](x[0], x[1])
    if op == "Relu":
        return np.maximum(x[0], np.float32(0))
    if op == "Sigmoid":
        with np.errstate(over="ignore"):                 # exp overflows to inf: the sigmoid is then 0
            return (np.float32(1) / (np.float32(1) + np.exp(-x[0]))).astype(np.float32)
    if op in ("Tanh", "Sin", "Cos"):
        return {"Tanh": np.tanh, "Sin": np.sin, "Cos": np.cos}[op](x[0])
    if op == "Concat":
        return np.concatenate(x, axis=attrs["axis"])
    if op == "Reshape":
        return x[0].reshape(_reshape_target(x[0].shape, x[1]))
    if op == "Transpose":
        return np.transpose(x[0], attrs["perm"])
    if op == "Slice":
        index = [slice(None)] * x[0].ndim
        for start, end, axis in zip(x[1], x[2], x[3]):
            index[int(axis)] = slice(int(start), int(end))
        return x[0][tuple(index)]
    if op == "Unsqueeze":
        return np.expand_dims(x[0], tuple(int(a) for a in x[1]))
    if op == "Squeeze":
        return np.squeeze(x[0], tuple(int(a) for a in x[1]))
    if op in ("ReduceMax", "ReduceMin"):
        f = np.max if op == "ReduceMax" else np.min
        return f(x[0], axis=tuple(attrs["axes"]), keepdims=bool(attrs.get("keepdims", 1)))
    if op == "ReduceSum":
        return np.sum(x[0], axis=tuple(int(a) for a in x[1]), keepdims=bool(attrs.get("keepdims", 1)))
    if op == "Clip":
        return np.clip(x[0], x[1], x[2])
    if op == "QuantizeLinear":
        axis = attrs.get("axis", 1)
        s = _per_axis(x[1], axis, x[0].ndim)
        zp = _per_axis(x[2], axis, x[0].ndim).astype(np.int32)
        q = np.rint(x[0] / s).astype(np.int32) + zp            # rint rounds half to even
        return np.clip(q, INT8_MIN, INT8_MAX).astype(np.int8)
    if op == "DequantizeLinear":
        axis = attrs.get("axis", 1)
        s = _per_axis(x[1], axis, x[0].ndim)
        zp = _per_axis(x[2], axis, x[0].ndim).astype(np.int32)
        return (x[0].astype(np.int32) - zp).astype(np.float32) * s
    raise NotImplementedError(op)


def run_node(op, inputs, attrs, name="?"):
    y = _kernel(op, inputs, attrs)
    if isinstance(y, np.ndarray) and y.dtype == np.float64:
        raise AssertionError("float64 leaked out of %s (%s)" % (name, op))
    return y


def evaluate(model, feeds):
    """Run a serialized ONNX model with the numpy kernels; returns {output name: array}."""
    env = {init.name: numpy_helper.to_array(init) for init in model.graph.initializer}
    env.update(feeds)
    for node in model.graph.node:
        if node.op_type not in OP_SET:
            raise AssertionError("op %s of node %s is outside the op set" % (node.op_type, node.name))
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        env[node.output[0]] = run_node(node.op_type, [env[i] for i in node.input], attrs, node.name)
    return {o.name: env[o.name] for o in model.graph.output}


# --------------------------------------------------------------------------
# Quantization parameters shared by the exporter and the torch simulation
# --------------------------------------------------------------------------
def activation_qparams(max_abs, non_negative):
    """Per-tensor int8 grid for an activation from its calibrated range.

    Symmetric (zero point 0, scale max|x|/127) for signed tensors; for tensors that are never negative
    (after Relu) the whole int8 range covers [0, max] (zero point -128, scale max/255).
    """
    m = max(float(max_abs), 1e-6)
    if non_negative:
        return np.float32(m / 255.0), np.int8(INT8_MIN)
    return np.float32(m / 127.0), np.int8(0)


def weight_qparams(w, axis=1):
    """Per-output-channel symmetric int8 for a 2-D weight whose output channels run along `axis`:
    (int8 weight, float32 scales)."""
    w = np.asarray(w, dtype=np.float32)
    scale = (np.maximum(np.abs(w).max(axis=1 - axis), 1e-8) / 127.0).astype(np.float32)
    shaped = scale[None, :] if axis == 1 else scale[:, None]
    q = np.clip(np.rint(w / shaped), -127, 127).astype(np.int8)
    return q, scale


def bias_scale(quant, site, w):
    """float32 [out]: the int32 grid of a bias after the activation at `site` times weight w [in, out]."""
    a_scale, _ = quant.activation_qparams(site)
    _, w_scale = weight_qparams(np.asarray(w, dtype=np.float32), 1)
    return (np.float32(a_scale) * w_scale).astype(np.float32)


# --------------------------------------------------------------------------
# torch
# --------------------------------------------------------------------------
class TorchOps:
    """Runs a program on torch tensors.

    quant: None for float32; otherwise a QuantState, which either observes activation ranges
    (calibration) or rounds weights and activations to on the exported grids (int8 simulation).
    """

    def __init__(self, params, quant=None):
        import torch
        self.torch = torch
        self.params = params
        self.quant = quant
        self._consts = {}

    # values
    def weight(self, name, transpose=False):
        """A [in, out] weight, or [out, in] with transpose (for Gemm); int8 simulation per output channel."""
        w = self.params[name]
        if self.quant is not None and self.quant.simulate and name.endswith(".w"):
            q, scale = self.quant.weight(name, w)
            w = q * scale
        return w.t() if transpose else w

    def bias(self, name):
        return self.params[name]

    def quantized_bias(self, name, site):
        """Layer `name`'s bias; in the int8 simulation rounded to the int32 grid of scale activation scale x
        weight scale, as the exported DequantizeLinear of an int32 bias holds it."""
        b = self.params[name + ".b"]
        if self.quant is None or not self.quant.simulate:
            return b
        scale = self.torch.as_tensor(bias_scale(self.quant, site, self.params[name + ".w"].detach().numpy()))
        return self.torch.clamp(self.torch.round(b / scale), INT32_MIN, INT32_MAX) * scale

    def const(self, name, array):
        t = self._consts.get(name)
        if t is None:
            t = self.torch.as_tensor(np.asarray(array, dtype=np.float32))
            self._consts[name] = t
        return t

    @staticmethod
    def dim(x, axis):
        return int(x.shape[axis])

    def scope(self, name):
        pass

    # ops
    def matmul(self, a, b):
        return self.torch.matmul(a, b)

    def gemm(self, a, b, c):
        return self.torch.matmul(a, b) + c

    def add(self, a, b):
        return a + b

    def sub(self, a, b):
        return a - b

    def mul(self, a, b):
        return a * b

    def relu(self, x):
        return self.torch.relu(x)

    def sigmoid(self, x):
        return self.torch.sigmoid(x)

    def tanh(self, x):
        return self.torch.tanh(x)

    def sin(self, x):
        return self.torch.sin(x)

    def cos(self, x):
        return self.torch.cos(x)

    def concat(self, xs, axis):
        return self.torch.cat(xs, dim=axis)

    def reshape(self, x, shape):
        return x.reshape(_reshape_target(list(x.shape), shape))

    def transpose(self, x, perm):
        return x.permute(*perm)

    def slice(self, x, start, end, axis):
        return x.narrow(axis, start, end - start)

    def unsqueeze(self, x, axis):
        return x.unsqueeze(axis)

    def squeeze(self, x, axis):
        return x.squeeze(axis)

    def reduce_max(self, x, axes, keepdims=True):
        return self.torch.amax(x, dim=tuple(axes), keepdim=keepdims)

    def reduce_min(self, x, axes, keepdims=True):
        return self.torch.amin(x, dim=tuple(axes), keepdim=keepdims)

    def reduce_sum(self, x, axes, keepdims=True):
        return self.torch.sum(x, dim=tuple(axes), keepdim=keepdims)

    def clip(self, x, lo, hi):
        return self.torch.clamp(x, lo, hi)

    def stop_gradient(self, x):
        return x.detach()

    # int8
    def qdq(self, x, site, non_negative=False):
        """Activation quantize-dequantize at a named site (per tensor)."""
        if self.quant is None:
            return x
        return self.quant.activation(site, x, non_negative)

    def qdq_input(self, x, name, scales, zero_points, axis):
        """A graph input's fixed per-axis int8 grid (declared in the manifest)."""
        if self.quant is None or not self.quant.simulate:
            return x
        return quantize_dequantize(self.torch, x, np.asarray(scales, np.float32), np.asarray(zero_points, np.int32), axis)


def quantize_dequantize(torch, x, scale, zero_point, axis=None):
    """QuantizeLinear then DequantizeLinear in float32, as ONNX defines them."""
    s = torch.as_tensor(np.asarray(scale, np.float32))
    zp = torch.as_tensor(np.asarray(zero_point, np.float32))
    if s.dim() == 1 and axis is not None:
        shape = [1] * x.dim()
        shape[axis] = s.shape[0]
        s = s.reshape(shape)
        zp = zp.reshape(shape)
    q = torch.clamp(torch.round(x / s) + zp, INT8_MIN, INT8_MAX)   # torch.round: half to even
    return (q - zp) * s


class QuantState:
    """Activation ranges (observe mode) or the int8 grids they produce (simulate mode)."""

    def __init__(self):
        self.max_abs = {}
        self.non_negative = {}
        self.simulate = False
        self._weights = {}

    def activation(self, site, x, non_negative):
        if not self.simulate:
            m = float(x.detach().abs().max()) if x.numel() else 0.0
            self.max_abs[site] = max(self.max_abs.get(site, 0.0), m)
            self.non_negative[site] = non_negative
            return x
        scale, zp = self.activation_qparams(site)
        import torch
        return quantize_dequantize(torch, x, scale, zp)

    def activation_qparams(self, site):
        return activation_qparams(self.max_abs[site], self.non_negative[site])

    def weight(self, name, w):
        cached = self._weights.get(name)
        if cached is None:
            import torch
            q, scale = weight_qparams(w.detach().numpy())
            cached = (torch.as_tensor(q.astype(np.float32)), torch.as_tensor(scale))
            self._weights[name] = cached
        return cached


# --------------------------------------------------------------------------
# ONNX
# --------------------------------------------------------------------------
class OnnxEmitter:
    """Records a program as ONNX nodes. Values are names; every value's static shape is known (the program
    also runs on zeros with the numpy kernels), so Reshape targets and declared shapes are concrete.

    params: {name: float32 array}; quant: None or a QuantState in simulate mode (int8 weights per output
    channel through DequantizeLinear, activation QDQ pairs at every site the program marks).
    """

    def __init__(self, params, quant=None):
        self.params = params
        self.quant = quant
        self.nodes = []
        self.initializers = []
        self.inputs = []
        self._shadow = {}
        self._names = set()
        self._scope = ""
        self._counter = {}

    # naming
    def scope(self, name):
        self._scope = name
        self._counter = {}

    def _fresh(self, stem):
        base = (self._scope + "/" if self._scope else "") + stem
        n = self._counter.get(base, 0)
        self._counter[base] = n + 1
        name = base if n == 0 else "%s_%d" % (base, n)
        while name in self._names:
            n += 1
            self._counter[base] = n + 1
            name = "%s_%d" % (base, n)
        return name

    def _init(self, name, array):
        assert name not in self._names, name
        self._names.add(name)
        array = np.asarray(array)
        self.initializers.append(numpy_helper.from_array(array, name=name))
        self._shadow[name] = array
        return name

    def _op(self, op, inputs, stem=None, **attrs):
        assert op in OP_SET, op
        out = self._fresh(stem or op.lower())
        self._names.add(out)
        self.nodes.append(helper.make_node(op, list(inputs), [out], name=out, **attrs))
        self._shadow[out] = run_node(op, [self._shadow[i] for i in inputs], attrs, out)
        return out

    def _int64(self, values):
        key = "i64_" + "_".join(str(int(v)).replace("-", "m") for v in values)
        if key not in self._names:
            self._init(key, np.array(values, dtype=np.int64))
        return key

    def _scalar(self, value):
        key = "f32_%r" % float(value)
        if key not in self._names:
            self._init(key, np.array(value, dtype=np.float32))
        return key

    def shape(self, name):
        return list(self._shadow[name].shape)

    def shapes(self):
        """Every value's static shape, by name."""
        return {k: list(v.shape) for k, v in self._shadow.items()}

    def input(self, name, shape):
        self.inputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, list(shape)))
        self._names.add(name)
        self._shadow[name] = np.zeros(shape, dtype=np.float32)
        return name

    def output_info(self, name):
        return helper.make_tensor_value_info(name, TensorProto.FLOAT, self.shape(name))

    def rename(self, name, out):
        """Give the node that produced `name` the graph output name `out`."""
        for node in self.nodes:
            if node.output[0] == name:
                node.output[0] = out
                node.name = out
        for node in self.nodes:
            for i, x in enumerate(node.input):
                if x == name:
                    node.input[i] = out
        self._shadow[out] = self._shadow.pop(name)
        self._names.add(out)
        return out

    # values
    def weight(self, name, transpose=False):
        """An initializer for a parameter ([in, out], or [out, in] with transpose); int8 weights go through
        DequantizeLinear per output channel."""
        w = np.asarray(self.params[name], dtype=np.float32)
        stem = name + ("_t" if transpose else "")
        if transpose:
            w = np.ascontiguousarray(w.T)
        if self.quant is None or not name.endswith(".w"):
            return stem if stem in self._names else self._init(stem, w)
        deq = stem + "_dq"
        if deq not in self._names:
            axis = 0 if transpose else 1
            q, scale = weight_qparams(w, axis)
            qn = self._init(stem + "_int8", q)
            sn = self._init(stem + "_scale", scale)
            zn = self._init(stem + "_zero_point", np.zeros(scale.shape, dtype=np.int8))
            self._names.add(deq)
            self.nodes.append(helper.make_node("DequantizeLinear", [qn, sn, zn], [deq], name=deq, axis=axis))
            self._shadow[deq] = run_node("DequantizeLinear", [q, scale, np.zeros(scale.shape, np.int8)],
                                         {"axis": axis}, deq)
        return deq

    def bias(self, name):
        return self.weight(name)

    def quantized_bias(self, name, site):
        """Layer `name`'s bias; int8 graphs hold it as int32 on the grid activation scale x weight scale
        (per output channel) through DequantizeLinear, which ONNX Runtime folds into QGemm."""
        if self.quant is None:
            return self.bias(name + ".b")
        deq = name + ".b_dq"
        if deq not in self._names:
            scale = bias_scale(self.quant, site, self.params[name + ".w"])
            b = np.asarray(self.params[name + ".b"], dtype=np.float64)
            q = np.clip(np.rint(b / scale), INT32_MIN, INT32_MAX).astype(np.int32)
            qn = self._init(name + ".b_int32", q)
            sn = self._init(name + ".b_scale", scale)
            zn = self._init(name + ".b_zero_point", np.zeros(scale.shape, dtype=np.int32))
            self._names.add(deq)
            self.nodes.append(helper.make_node("DequantizeLinear", [qn, sn, zn], [deq], name=deq, axis=0))
            self._shadow[deq] = run_node("DequantizeLinear", [q, scale, np.zeros(scale.shape, np.int32)],
                                         {"axis": 0}, deq)
        return deq

    def const(self, name, array):
        return name if name in self._names else self._init(name, np.asarray(array, dtype=np.float32))

    def dim(self, x, axis):
        return self.shape(x)[axis]

    # ops
    def matmul(self, a, b):
        return self._op("MatMul", [a, b])

    def gemm(self, a, b, c):
        return self._op("Gemm", [a, b, c])

    def add(self, a, b):
        return self._op("Add", [a, b])

    def sub(self, a, b):
        return self._op("Sub", [a, b])

    def mul(self, a, b):
        return self._op("Mul", [a, b])

    def relu(self, x):
        return self._op("Relu", [x])

    def sigmoid(self, x):
        return self._op("Sigmoid", [x])

    def tanh(self, x):
        return self._op("Tanh", [x])

    def sin(self, x):
        return self._op("Sin", [x])

    def cos(self, x):
        return self._op("Cos", [x])

    def concat(self, xs, axis):
        return self._op("Concat", xs, axis=axis)

    def reshape(self, x, shape):
        return self._op("Reshape", [x, self._int64(_reshape_target(self.shape(x), shape))])

    def transpose(self, x, perm):
        return self._op("Transpose", [x], perm=list(perm))

    def slice(self, x, start, end, axis):
        return self._op("Slice", [x, self._int64([start]), self._int64([end]), self._int64([axis])])

    def unsqueeze(self, x, axis):
        return self._op("Unsqueeze", [x, self._int64([axis])])

    def squeeze(self, x, axis):
        return self._op("Squeeze", [x, self._int64([axis])])

    def reduce_max(self, x, axes, keepdims=True):
        return self._op("ReduceMax", [x], axes=list(axes), keepdims=int(keepdims))

    def reduce_min(self, x, axes, keepdims=True):
        return self._op("ReduceMin", [x], axes=list(axes), keepdims=int(keepdims))

    def reduce_sum(self, x, axes, keepdims=True):
        return self._op("ReduceSum", [x, self._int64(axes)], keepdims=int(keepdims))

    def clip(self, x, lo, hi):
        return self._op("Clip", [x, self._scalar(lo), self._scalar(hi)])

    @staticmethod
    def stop_gradient(x):
        return x

    # int8
    def _qdq(self, x, scale, zp, axis, stem):
        # One scale and zero point per site, shared by every step that quantizes there.
        sn, zn = stem + "_scale", stem + "_zero_point"
        if sn not in self._names:
            self._init(sn, scale)
            self._init(zn, zp)
        q = self._op("QuantizeLinear", [x, sn, zn], stem=stem + "_q", axis=axis)
        return self._op("DequantizeLinear", [q, sn, zn], stem=stem + "_dq", axis=axis)

    def qdq(self, x, site, non_negative=False):
        if self.quant is None:
            return x
        scale, zp = self.quant.activation_qparams(site)
        return self._qdq(x, np.float32(scale), np.int8(zp), 1, "act_" + site.replace(".", "_"))

    def qdq_input(self, x, name, scales, zero_points, axis):
        if self.quant is None:
            return x
        return self._qdq(x, np.asarray(scales, np.float32), np.asarray(zero_points, np.int8), axis, name)

    def model(self, graph_name, outputs, doc, producer, version):
        graph = helper.make_graph(self.nodes, graph_name, self.inputs, [self.output_info(o) for o in outputs],
                                  initializer=self.initializers, doc_string=doc)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                                  producer_name=producer, producer_version=version)
        model.ir_version = IR_VERSION
        model.model_version = 1
        return model
