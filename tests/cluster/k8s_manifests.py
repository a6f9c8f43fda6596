#!/usr/bin/env python3
"""Checks deploy/k8s/*.yaml without a Kubernetes cluster.

    python3 tests/cluster/k8s_manifests.py

1. Both files parse as YAML, and the settings that must agree do: the sweep
   Job is Indexed with completions = SLICES = the merge Job's SLICES, both
   Jobs use the same image, RUN, volume claim and mount path, the claim is
   ReadWriteMany, and fetch-pod.yaml mounts that claim too.
2. The shell scripts the pods run really slice and merge: each Indexed Job
   pod's script is run here with its JOB_COMPLETION_INDEX, then the merge
   Job's script, against tests/cluster/fanout-standin.py in place of fanout
   and a temporary directory in place of the volume, and the merged CSV is
   compared with the unpartitioned sweep of the same flags.

Needs python3-yaml (Debian) or PyYAML. Exit 0 with `PASS`, else 1 naming what
disagrees.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

try:
    import yaml
except ImportError:
    sys.exit("k8s_manifests: needs PyYAML (apt-get install python3-yaml, or pip install pyyaml)")

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
HERE = Path(__file__).resolve().parent


def fail(msg):
    print(f"k8s_manifests: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def load(name):
    with open(K8S / name) as f:
        return [d for d in yaml.safe_load_all(f) if d]


def one(docs, kind, name):
    found = [d for d in docs if d.get("kind") == kind]
    if len(found) != 1:
        fail(f"{name}: expected one {kind}, found {len(found)}")
    return found[0]


def container(job):
    pod = job["spec"]["template"]["spec"]
    if pod.get("restartPolicy") != "Never":
        fail(f"job {job['metadata']['name']}: restartPolicy must be Never")
    (c,) = pod["containers"]
    env = {e["name"]: e["value"] for e in c.get("env", [])}
    claims = {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in pod["volumes"]}
    (mount,) = c["volumeMounts"]
    return c, env, claims[mount["name"]], mount["mountPath"]


def check_settings():
    sweep_docs, merge_docs = load("sweep-indexed-job.yaml"), load("merge-job.yaml")
    pvc = one(sweep_docs, "PersistentVolumeClaim", "sweep-indexed-job.yaml")
    job = one(sweep_docs, "Job", "sweep-indexed-job.yaml")
    merge = one(merge_docs, "Job", "merge-job.yaml")
    spec = job["spec"]
    if spec.get("completionMode") != "Indexed":
        fail("sweep job: completionMode must be Indexed")
    n = spec["completions"]
    if not 1 <= spec.get("parallelism", n) <= n:
        fail(f"sweep job: parallelism {spec.get('parallelism')} not in 1..completions ({n})")
    sc, senv, sclaim, smount = container(job)
    mc, menv, mclaim, mmount = container(merge)
    if senv.get("SLICES") != str(n) or menv.get("SLICES") != str(n):
        fail(f"completions {n}, sweep SLICES {senv.get('SLICES')}, merge SLICES {menv.get('SLICES')}: must agree")
    for what, a, b in [("image", sc["image"], mc["image"]), ("RUN", senv.get("RUN"), menv.get("RUN")),
                       ("claim", sclaim, mclaim), ("mount path", smount, mmount)]:
        if a != b:
            fail(f"sweep and merge jobs differ in {what}: {a} vs {b}")
    if sclaim != pvc["metadata"]["name"]:
        fail(f"jobs mount claim {sclaim}, the file defines {pvc['metadata']['name']}")
    fetch = one(load("fetch-pod.yaml"), "Pod", "fetch-pod.yaml")
    (fetch_volume,) = fetch["spec"]["volumes"]
    if fetch_volume["persistentVolumeClaim"]["claimName"] != sclaim:
        fail(f"fetch-pod.yaml mounts {fetch_volume['persistentVolumeClaim']['claimName']}, the jobs {sclaim}")
    if "ReadWriteMany" not in pvc["spec"]["accessModes"]:
        fail("the claim must be ReadWriteMany: the pods may run on different nodes")
    return n, sc, senv, mc, menv, smount


def script(c, mount, data):
    if c["command"] != ["/bin/sh", "-c"] or len(c["args"]) != 1:
        fail(f"container {c['name']}: expected command /bin/sh -c and one script")
    return c["args"][0].replace(mount, str(data))


def run_scripts(n, sc, senv, mc, menv, mount):
    tmp = Path(tempfile.mkdtemp(prefix="fanout-k8s."))
    try:
        bin_dir, data = tmp / "bin", tmp / "data"
        bin_dir.mkdir()
        data.mkdir()
        standin = bin_dir / "fanout-standin"
        shutil.copy(HERE / "fanout-standin.py", standin)
        # `fanout` on PATH: records its arguments, then runs the stand-in.
        wrapper = bin_dir / "fanout"
        wrapper.write_text(
            "#!/bin/sh\n"
            f"python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' \"$@\" >>{tmp}/calls\n"
            f"exec python3 {standin} \"$@\"\n")
        wrapper.chmod(0o755)
        base = {k: v for k, v in os.environ.items() if not k.startswith(("SLURM_", "JOB_COMPLETION"))}
        base["PATH"] = f"{bin_dir}:{base['PATH']}"
        for i in range(n):
            env = {**base, **senv, "JOB_COMPLETION_INDEX": str(i)}
            subprocess.run(["/bin/sh", "-c", script(sc, mount, data)], env=env, check=True)
        subprocess.run(["/bin/sh", "-c", script(mc, mount, data)], env={**base, **menv}, check=True)
        merged = data / senv["RUN"] / "sweep.csv"
        # The unpartitioned sweep: the first slice's flags without --partition.
        first = json.loads((tmp / "calls").read_text().splitlines()[0])
        args, skip = [], 0
        for a in first:
            if skip:
                skip -= 1
            elif a in ("--partition", "--csv"):
                skip = 1
            else:
                args.append(a)
        ref = tmp / "reference.csv"
        subprocess.run(["python3", str(standin), *args, "--csv", str(ref)], env=base, check=True)
        subprocess.run(["python3", str(HERE / "same_csv.py"), str(ref), str(merged)], check=True)
        print(f"ran {n} indexed pods' scripts and the merge: {' '.join(args)}")
    except subprocess.CalledProcessError as e:
        fail(f"{e.cmd[:2]} exited with {e.returncode}")
    finally:
        shutil.rmtree(tmp)


def main():
    settings = check_settings()
    run_scripts(*settings)
    print("PASS: deploy/k8s manifests agree and their scripts slice and merge the sweep")


if __name__ == "__main__":
    main()
