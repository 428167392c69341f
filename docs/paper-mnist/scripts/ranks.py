#!/usr/bin/python3
"""Per-layer s2/s1, tail ratio 1 - s1^2/|W|_F^2 (the paper's sum_{i>=2} s_i^2 / sum s_i^2, from the full Frobenius norm)
and the initial weights' share |W(0)|_F^2/|W|_F^2 at chosen steps of a run folder's spectra.csv.
usage: docs/paper-mnist/scripts/ranks.py RUN STEP..."""
import csv, collections, sys
run=sys.argv[1]
S=collections.defaultdict(dict); F={}
for r in csv.DictReader(open(run+'/spectra.csv')):
    k=(int(r['step']),int(r['layer'])); S[k][int(r['index'])]=float(r['singular_value']); F[k]=float(r['layer_frobenius_norm'])
steps=sorted({s for s,_ in S}); L=max(l for _,l in S)
print("| step | " + " | ".join(f"W{l}: s2/s1, tail, init share" for l in range(1,L+1)) + " |")
print("|---|" + "---|"*L)
for want in map(int, sys.argv[2:]):
    s=min(steps,key=lambda x:abs(x-want))
    cells=[]
    for l in range(1,L+1):
        sv=S[(s,l)]; f=F[(s,l)]
        cells.append(f"{sv[2]/sv[1]:.3f}, {1-sv[1]**2/f**2:.3f}, {F[(0,l)]**2/f**2:.3f}")
    print(f"| {s} | " + " | ".join(cells) + " |")
