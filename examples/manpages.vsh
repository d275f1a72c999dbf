# An index over the system's manual pages about file formats (section 5),
# read straight from their compressed roff sources, with the bigrams of words
# too; the stop words are English's and roff's (.IP \(bu 4 and friends).
# Run from anywhere:  vecsh -f examples/manpages.vsh
# needs: /usr/share/man/man5
index man5 /usr/share/man/man5 --stopwords data/roff-stopwords.txt --ngram 1-2 --min-df 2 --max-df 0.5
info
search password file -k 5
search time zone -k 5 --bm25
keywords passwd.5.gz -k 10
