"""Builds fastla._core: the Cython binding plus the C core in csrc/.

What pyproject.toml cannot say: the per-ISA sources (csrc/isa/<isa>_*.c) are each
compiled alone with their own flags, so the rest of the library stays portable
and the wider instructions run only where dispatch.c finds them at run time."""

import os
import platform
import sys
from concurrent.futures import ThreadPoolExecutor
from glob import glob

import numpy
from Cython.Build import cythonize
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ISA_FLAGS = {
    "generic": {"unix": [], "msvc": []},
    "avx2": {"unix": ["-mavx2", "-mfma"], "msvc": ["/arch:AVX2"]},
    "avx512": {"unix": ["-mavx512f", "-mavx2", "-mfma"], "msvc": ["/arch:AVX512"]},
}
CFLAGS = {
    "unix": ["-std=c11", "-O3", "-fno-math-errno", "-fvisibility=hidden", "-Wall", "-Wno-unused-function"],
    "msvc": ["/O2", "/std:c11"],
}
SANITIZE = os.environ.get("FASTLA_SANITIZE")  # e.g. "address,undefined"


def targets_x86():
    """True when the compiler targets x86 (the ISA files are empty elsewhere)."""
    archflags = os.environ.get("ARCHFLAGS", "")
    if "arm64" in archflags:
        return False
    return platform.machine().lower() in ("x86_64", "amd64", "i386", "i686", "x86")


def c_sources():
    """Every C file except the per-ISA ones, which BuildExt compiles itself."""
    per_isa = {s for isa in ISA_FLAGS for s in isa_sources(isa)}
    return [s for s in sorted(glob("csrc/**/*.c", recursive=True)) if s not in per_isa]


def isa_sources(isa):
    """The files built with one ISA's flags: <isa>_*.c and *_<isa>.c anywhere in csrc/."""
    return [p for p in sorted(glob("csrc/**/*.c", recursive=True))
            if isa in os.path.splitext(os.path.basename(p))[0].split("_")]


class BuildExt(build_ext):
    """Compiles each ISA's sources with that ISA's flags, then links them in.

    Every file is compiled on its own, one per core at a time (the compiler is a
    separate process, so threads are enough), the big Cython output first."""

    def build_extension(self, ext):
        kind = "msvc" if self.compiler.compiler_type == "msvc" else "unix"
        common = CFLAGS[kind] + (self.sanitize_flags() if kind == "unix" else [])
        ext.extra_link_args = self.sanitize_flags() if kind == "unix" else []
        jobs = [(source, self.glue_flags(source, common)) for source in ext.sources]
        for isa, flags in ISA_FLAGS.items():
            extra = flags[kind] if targets_x86() else []
            jobs += [(source, common + extra) for source in isa_sources(isa)]
        jobs.sort(key=lambda job: -os.path.getsize(job[0]))

        def compile_one(job):
            source, flags = job
            return self.compiler.compile(
                [source],
                output_dir=self.build_temp,
                macros=ext.define_macros,
                include_dirs=ext.include_dirs,
                extra_postargs=flags,
                depends=ext.depends,
            )

        with ThreadPoolExecutor(max_workers=self.parallel_jobs()) as pool:
            objects = [o for objs in pool.map(compile_one, jobs) for o in objs]
        ext.extra_objects = [o for o in ext.extra_objects if o not in objects] + objects
        # all compiled above: the base class only links, and relinks when any source changed
        ext.depends = list(ext.depends) + [source for source, _ in jobs]
        ext.sources = []
        super().build_extension(ext)

    @staticmethod
    def parallel_jobs():
        return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)

    @staticmethod
    def glue_flags(source, flags):
        """The Cython glue under the sanitizers at -O1: instrumented at -O3 it took
        three minutes to compile, the rest of the build one; it holds no kernel."""
        if SANITIZE and source.endswith("_core.c"):
            return [f for f in flags if f != "-O3"] + ["-O1"]
        return flags

    @staticmethod
    def sanitize_flags():
        return [f"-fsanitize={SANITIZE}", "-fno-omit-frame-pointer"] if SANITIZE else []


headers = sorted(glob("csrc/**/*.h", recursive=True)) + sorted(glob("src/fastla/*.pxi"))
ext = Extension(
    "fastla._core",
    sources=["src/fastla/_core.pyx"] + c_sources(),
    include_dirs=["csrc", numpy.get_include()],
    define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
    depends=headers + [s for isa in ISA_FLAGS for s in isa_sources(isa)],
)

setup(
    ext_modules=cythonize([ext], compiler_directives={"language_level": 3}),
    cmdclass={"build_ext": BuildExt},
)
