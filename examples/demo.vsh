# What `make run` opens: the demo word vectors, and a TF-IDF index over the
# licence texts every Debian and Ubuntu system has.
load data/glove-demo.txt.gz as glove
index licences /usr/share/common-licenses --stopwords english
