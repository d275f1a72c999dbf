/* vecsh.h: the engines of vecsh as a library (build/libvecsh.a), for programs
 * outside the shell: the benchmarks in bench/ and anyone embedding vecsh.
 * Everything below the terminal layer, domain by domain, lowest first; the
 * headers themselves live with their domains under src/ (each domain's one
 * header), and this file is the only one meant to be included from outside. */
#ifndef VECSH_H
#define VECSH_H

#include "core/core.h"       /* errors, UTF-8, files, top-k, statistics */
#include "output/output.h"   /* the result type and its renderings */
#include "vectors/vectors.h" /* word-vector sets, queries, benchmarks, file formats */
#include "text/text.h"       /* the analyzer and TF-IDF indexes */
#include "image/image.h"     /* image decoding and PIL's resampling */
#include "clip/clip.h"       /* CLIP: tokenizer, checkpoints, encoders, image folders */
#include "viz/viz.h"         /* PCA and plots */
#include "train/train.h"     /* word2vec training */
#include "pg/pg.h"           /* tables in PostgreSQL with pgvector */

#endif
