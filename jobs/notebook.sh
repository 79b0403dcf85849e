#!/usr/bin/env bash
#SBATCH --job-name=dnmf-notebook
#SBATCH --ntasks=2
#SBATCH --time=00:15:00
#SBATCH --output=dnmf-notebook-%j.out
#
# The notebook dnmf grew from, as one job: 20 Newsgroups, its four groups (alt.atheism,
# comp.graphics, sci.space, talk.religion.misc; headers, footers and quotes removed),
# TF-IDF with scikit-learn's TfidfVectorizer(stop_words='english') semantics, then five
# topics by NMF (hals from nndsvda), printed as the notebook's show_topics prints them.
#
#   bash jobs/notebook.sh          on a workstation (installs what is missing, builds, runs)
#   sbatch jobs/notebook.sh        on a cluster (from the project folder)
#
# The corpus comes from $DNMF_DATA/20news-bydate (default ../shared/data beside the
# project), else from the public archive scikit-learn downloads (checked by SHA-256,
# cached in ~/.cache/dnmf), else, with no network, from the fortune cookies Debian ships
# (about 15,000 short texts in some 30 categories), so a result comes out anywhere.
# Then how good the topics are (dnmf evaluate: coherence, diversity, agreement with the
# groups), how many topics the matrix holds (dnmf select-k over k = 2..8), and pictures
# of all of it (dnmf plot), whose folder it prints last.
# Environment: DNMF_RANKS (default: Slurm's task count, or 2), DNMF_OUTPUT (folder for
# the results, default build/notebook), DNMF_TOPICS (default 5), DNMF_BINARY (a dnmf
# already built: no set-up stage).
set -euo pipefail

root=${SLURM_SUBMIT_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
[[ -f "$root/CMakeLists.txt" ]] || root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ranks=${DNMF_RANKS:-${SLURM_NTASKS:-2}}
output=${DNMF_OUTPUT:-$root/build/notebook}
archive_url=https://ndownloader.figshare.com/files/5975967
archive_sha256=8f1b2514ca22a5ade8fbb9cfa5727df95fa587f4c87b786e15c759fa66d95610
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

stage() { printf '\n== %s\n' "$*"; }
seconds() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v start="$1" -v now="$EPOCHREALTIME" 'BEGIN { printf "%.1f", now - start }'; }

if [[ -n "${DNMF_BINARY:-}" ]]; then
  dnmf=$DNMF_BINARY
else
  stage "set-up: dependencies and build"
  started=$(seconds)
  bash "$root/.ci/install-deps"
  cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$root/build" -j 2 >/dev/null
  dnmf="$root/build/dnmf"
  echo "built $dnmf ($(elapsed "$started") s)"
fi
mkdir -p "$output"

# Finds the 20 Newsgroups training folder, downloading the archive if need be.
find_newsgroups() {
  local data=${DNMF_DATA:-$root/../shared/data}
  if [[ -d "$data/20news-bydate/20news-bydate-train" ]]; then
    echo "$data/20news-bydate/20news-bydate-train"
    return
  fi
  local cache=${XDG_CACHE_HOME:-$HOME/.cache}/dnmf
  if [[ ! -d "$cache/20news-bydate-train" ]]; then
    mkdir -p "$cache"
    python3 - "$archive_url" "$cache/20news-bydate.tar.gz" <<'PY' >&2 || return 1
import sys, urllib.request
url, target = sys.argv[1], sys.argv[2]
try:
    with urllib.request.urlopen(url, timeout=30) as response, open(target + ".part", "wb") as out:
        out.write(response.read())
except Exception as error:
    print("download of the 20 Newsgroups archive failed (%s)" % error)
    sys.exit(1)
PY
    if ! echo "$archive_sha256  $cache/20news-bydate.tar.gz.part" | sha256sum -c --quiet - >&2; then
      echo "the downloaded archive does not have the expected SHA-256" >&2
      rm -f "$cache/20news-bydate.tar.gz.part"
      return 1
    fi
    mv "$cache/20news-bydate.tar.gz.part" "$cache/20news-bydate.tar.gz"
    tar -xzf "$cache/20news-bydate.tar.gz" -C "$cache"
  fi
  echo "$cache/20news-bydate-train"
}

stage "corpus"
if corpus=$(find_newsgroups); then
  echo "20 Newsgroups, four groups, from $corpus"
  vectorize_arguments=("$corpus" --groups alt.atheism,comp.graphics,sci.space,talk.religion.misc
                       --encoding latin-1 --strip headers,footers,quotes)
else
  corpus=/usr/share/games/fortunes
  echo "20 Newsgroups is not available here (no data folder, no network): using Debian's fortunes in $corpus"
  vectorize_arguments=("$corpus" --format records --separator % --exclude '*.dat,*.u8')
fi

stage "TF-IDF on $ranks ranks"
started=$(seconds)
mpirun --oversubscribe -n "$ranks" "$dnmf" vectorize "${vectorize_arguments[@]}" -o "$output/tfidf.h5"
echo "stage took $(elapsed "$started") s (including MPI start-up)"

stage "matrix summary"
"$dnmf" info "$output/tfidf.h5" --ranks "$ranks"

topics=${DNMF_TOPICS:-5}
stage "NMF, k = $topics, hals from nndsvda, on $ranks ranks"
started=$(seconds)
mpirun --oversubscribe -n "$ranks" "$dnmf" factorize "$output/tfidf.h5" -k "$topics" --solver hals \
    --init nndsvda --monitor 10 -o "$output/model.h5"
echo "stage took $(elapsed "$started") s (including MPI start-up)"

stage "topics (top 8 words each)"
"$dnmf" topics "$output/model.h5" --top 8

stage "how good: coherence, diversity, agreement with the groups"
mpirun --oversubscribe -n "$ranks" "$dnmf" evaluate "$output/model.h5" -o "$output/evaluation.json"

stage "how many topics: select-k, k = 2..8, 4 perturbed runs each, on $ranks ranks"
started=$(seconds)
mpirun --oversubscribe -n "$ranks" "$dnmf" select-k "$output/tfidf.h5" --ks 2:8 --repeats 4 \
    -o "$output/select_k.h5" | grep -v '^  k = '
echo "stage took $(elapsed "$started") s (including MPI start-up)"

stage "pictures"
"$dnmf" plot "$output/model.h5" "$output/select_k.h5" -o "$output/pictures" >/dev/null
ls "$output/pictures"
echo "pictures in $output/pictures"
