# TF-IDF on the licence texts every Debian and Ubuntu system has: which words
# characterise a licence, which licences answer a query, which resemble each
# other. Run from this folder:  vecsh -f search.vsh
# needs: /usr/share/common-licenses
index licences /usr/share/common-licenses --stopwords english
docs GPL*

# the words that set a document apart: frequent in it, rare elsewhere
keywords GPL-3 -k 8
keywords Apache-2.0 -k 8

# ranked by cosine of tf-idf vectors, then by BM25 as Lucene scores it
search patent licence -k 3
search patent licence -k 3 --bm25

# an ad-hoc text against the index's idf; words it has never seen are marked
keywords --text "free software that anyone may share and change" -k 5

similar LGPL-2.1 -k 3
idf software
df software

# documents out and in: the index is then what building it over the same
# documents would give, without reading the others again
index remove licences 'GPL*'
index add licences /usr/share/common-licenses/GPL-3
keywords GPL-3 -k 8

# a corpus larger than memory: built straight into its file, the postings
# kept on disk as they are made, the inverted ones 64 MB at a time; the
# index is then the file, mapped (as load gives it)
index big /usr/share/common-licenses --stopwords english --to /tmp/vecsh-licences.vsix --memory 64M
info big
search patent licence -k 3
# documents in and out of it, into its file again (read from the old mapping)
index remove big MPL-2.0 --to /tmp/vecsh-licences.vsix
index add big /usr/share/common-licenses/MPL-2.0 --to /tmp/vecsh-licences.vsix
info big
