# Sourced by the bench scripts: the reference tools (numpy, gensim,
# scikit-learn, PyTorch) run on the OpenBLAS kernels vecsh runs on. Debian's
# OpenBLAS 0.3.21 picks kernels by CPU model and falls back to SSE3 ones on a
# model it does not know; vecsh then chooses by the CPU's features
# (src/core/blas.c), and so, here, do the references, through the variable
# OpenBLAS reads for it. A kernel set the user named is left alone.
if [ -z "${OPENBLAS_CORETYPE:-}" ]; then
	blas_core=$(/usr/bin/python3 -c 'import ctypes
l = ctypes.CDLL("libopenblas.so.0"); l.openblas_get_corename.restype = ctypes.c_char_p
print(l.openblas_get_corename().decode())' 2>/dev/null || true)
	blas_flags=" $(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null) "
	blas_has() { case "$blas_flags" in *" $1 "*) return 0 ;; esac; return 1; }
	case "$blas_core" in
	Haswell | Zen | SkylakeX | Cooperlake | SapphireRapids | Excavator | '') ;;
	*)
		if blas_has avx512f && blas_has avx512dq && blas_has avx512bw && blas_has avx512vl; then
			export OPENBLAS_CORETYPE=SkylakeX
		elif blas_has avx2 && blas_has fma; then
			export OPENBLAS_CORETYPE=Haswell
		fi
		;;
	esac
	[ -n "${OPENBLAS_CORETYPE:-}" ] && echo "OpenBLAS chose $blas_core kernels on this CPU; vecsh and the references run $OPENBLAS_CORETYPE's"
fi
true
