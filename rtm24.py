import sys, json, dataclasses, warnings
sys.path.insert(0, "/work/audit-snap"); sys.path.insert(0, "/work/audit-snap/benchmarks")
import simulate_evaluation as se, numpy as np
reps=int(sys.argv[1]); sel=int(sys.argv[2])  # selection window months before date
sc = se.Scenario("rtm", "", zones=10, worst_of=10)
ratios=[];flags=[];claims=[];cover=[];kinds=[]
for seed in se.seeds(reps, 555):
    w = se.make_world(sc, seed)
    t = se.evaluate(w, sc)
    d = w.date_index
    chosen = int(np.argmax(w.zone_counts[:, d-sel:d].sum(axis=1)))
    r = t.loc[f"z{chosen:03d}"]
    ratios.append(r.ratio_of_ratios); flags.append(bool(r.rtm_flag)); kinds.append(r.verdict_kind)
    cover.append(r.ci_low <= 1 <= r.ci_high)
import collections
print(json.dumps({"sel_months":sel,"reps":reps,"median_ratio":float(np.median(ratios)),"geo_mean_ratio":float(np.exp(np.mean(np.log(ratios)))),"rtm_flag":np.mean(flags),"coverage":np.mean(cover),"kinds":collections.Counter(kinds)}))
