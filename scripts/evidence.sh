#!/bin/sh
# The runs behind docs/evidence.md: meta-train MAML, MAML++, ANIL, BOIL, p-Meta and p-Meta with meta attention on
# 4Conv-32 (5-way 1-shot and 5-shot) and the sinusoid MLP, three seeds each, then validate every model on 100 held-out
# tasks (measured peak and accuracy or MSE with 95% intervals over tasks) and write one validate.json per setting.
#
#   swift build -c release && sh scripts/evidence.sh [OUT]        (OUT defaults to evidence-runs/; not committed)
#   python3 scripts/evidence_table.py OUT                          (the tables of docs/evidence.md)
#
# ITERATIONS (default 200 few-shot, SINE_ITERATIONS 10000 sinusoid) and SEEDS ("1 2 3") can be set in the environment.
set -eu
BIN=${BIN:-.build/release/pmeta-plan}
OUT=${1:-evidence-runs}
ITERATIONS=${ITERATIONS:-200}
SINE_ITERATIONS=${SINE_ITERATIONS:-10000}
SEEDS=${SEEDS:-"1 2 3"}

train() {  # train MODEL-DIR ARCH TASK-OPTIONS... ; skips a model already written (sh has no locals: own names)
    model=$1; shift
    if [ -f "$model/model.json" ]; then return 0; fi
    "$BIN" meta-train "$@" -o "$model" > "$model.log" 2>&1 || { echo "meta-train failed: $model (see $model.log)" >&2; exit 1; }
}

setting() {  # setting DIR ARCH SEED OPTIONS...
    dir=$1; arch=$2; seed=$3; shift 3
    mkdir -p "$dir"
    for method in maml maml++ anil boil pmeta; do
        train "$dir/$method" "$arch" --method "$method" --seed "$seed" "$@"
    done
    train "$dir/pmeta-attention" "$arch" --method pmeta --attention --seed "$seed" "$@"
    if [ ! -f "$dir/validate.json" ]; then
        "$BIN" validate "$arch" --plan "$dir/pmeta/plan.json" --weights "$dir/pmeta" \
            --baseline "$dir/maml" --baseline "$dir/maml++" --baseline "$dir/anil" --baseline "$dir/boil" \
            --baseline "$dir/pmeta-attention" --tasks 100 --seed $((100 + seed)) --format json > "$dir/validate.json.part"
        mv "$dir/validate.json.part" "$dir/validate.json"
    fi
    echo "done: $dir ($(date -u +%H:%M:%S))"
}

for seed in $SEEDS; do
    for shots in 1 5; do
        setting "$OUT/fewshot-${shots}shot/seed$seed" architectures/4conv-32.json "$seed" --task fewshot --shots "$shots" \
            --queries 5 --iterations "$ITERATIONS" --validate-every 50 --validation-tasks 20
    done
    setting "$OUT/sinusoid/seed$seed" architectures/mlp-sinusoid.json "$seed" --task sinusoid --iterations "$SINE_ITERATIONS" \
        --validate-every 100
done
