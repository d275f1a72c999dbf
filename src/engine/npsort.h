/* npsort.h: numpy's argsort, for scikit-learn's tie-breaking. */
#ifndef VECSH_NPSORT_H
#define VECSH_NPSORT_H

#include <stdint.h>

/* tosort receives the permutation numpy.argsort(v) (kind 'quicksort') gives. */
void vs_numpy_argsort(const int64_t *v, intptr_t *tosort, intptr_t num);

#endif
