#!/usr/bin/env bash
# Fuzz pmeta-plan's readers with libFuzzer (Linux, Swift 6 toolchain).
#
# Usage: fuzz/run.sh [seconds] [target]
#   seconds  how long each target runs; default 60
#   target   architecture, sizes, plan-files, protobuf, onnx, trainer-files, arguments or all; default all
#
# What each target feeds its inputs through (the checks live in
# Tests/PMetaPlanTests/HostileInput/FuzzTarget.swift, shared with `swift test`):
#   architecture  ShapedGraph(jsonBytes:file:), CostModel(_:), staticMemory, inference, and
#                 adaptation(of:workload:profile:) for MAML, ANIL and TinyTL (batched and streamed workloads,
#                 physical and paper profiles), the analyze and compare reports in every format, and the
#                 flat-form round trip through ArchitectureGraph.json. Every error must name the file, the JSON
#                 path (or line and column) and fit on one line; overflow must be ArithmeticOverflow; the
#                 physical peaks of ANIL and TinyTL must not exceed MAML's.
#   sizes         ByteCount(parsing:), Percentage(parsing:) and ChannelRatio(parsing:) on the input as UTF-8;
#                 every value must read back from its own description, every channel selection must match an
#                 exact 128-bit count, every error must fit on one line.
#   plan-files    UpdatePlan(json:for:) (with the workload and profile record, unknown members refused) and
#                 ImportanceScores(json:for:source:) against a fixed two-conv network; a plan read must cost, and
#                 read back equal from its own JSON; every error must fit on one line.
#   protobuf      ONNXModel(bytes:) on the input: a model or a ProtobufError whose offset lies inside the input.
#   onnx          ONNXImporter.architectureDocument(bytes:file:), then the decoder, shapes and cost model on the
#                 document. Both ONNX targets are seeded with the fixtures of Tests/PMetaPlanTests/Fixtures/ONNX up to
#                 32 KiB (among them blocks_micro and vit_micro, which hold every mapping in 17 to 28 kB) and take
#                 inputs up to 32 KiB: with the 40 to 225 kB exports as seeds and 256 KiB inputs, libFuzzer ran 249
#                 (protobuf) and 149 (onnx) inputs a second here, most of it spent moving and hashing large inputs.
#   trainer-files model.json, then optionally weights.bin and attention.bin (each from its magic "PMWEIGHT"), read
#                 as `validate` reads a model folder: MetaTrainedModel(json:), the task checked against a fixed conv
#                 net or MLP (the one the model names), NetworkParameters(weightsFile:...) for the weights and the
#                 attention modules, then one held-out task of the model's family adapted with them (tasks up to 48
#                 samples, at most 2 inner steps) and its report rendered. Errors name the file and fit on one
#                 line; model.json and weights.bin written back read the same (weights.bin byte for byte). Seeded
#                 with what meta-train writes for 0 iterations (the fuzzer runs it, PMETA_FUZZ_SEEDS=DIR).
#   arguments     a command line, one argument a line, through PMetaPlanCommand.run in a fresh copy of a fixed
#                 set of files (4conv.json, the trainer's tiny conv.json and mlp.json, model.onnx, plan.json,
#                 importance.json and a model/ folder) in a temporary folder, which is also the current folder.
#                 Inputs naming a path that starts with / or ~ or holds .. are skipped; -o/--output go into the
#                 folder; meta-train, validate, bench, bench-trainer, bench-import, reproduce and report --all are
#                 skipped; the simulations run only on the tiny nets with small counts (ArgumentSandbox.swift).
#                 The result must be output, or an exit code with one 'Error: ...' line (then only usage lines or
#                 a GitHub annotation); no control character in the output. The dictionary is written from the
#                 commands' specs (PMETA_FUZZ_DICTIONARY=FILE) into fuzz/.build/arguments.dict.
#                 Both command targets live in Tests/PMetaPlanCLITests/HostileInput (CommandFuzzTarget.swift,
#                 shared with `swift test`'s CommandRegressionReplayTests) and are linked against the three
#                 modules built as static libraries with -enable-testing in fuzz/.build/modules.
#
# Final runs, each after the fixes in its code path (libFuzzer's final lines; docs/hostile-input.md has the
# table and the earlier runs that stopped at a find):
#   fuzz/run.sh 1500 protobuf       Done 3120751 runs in 1501 second(s), 2079 exec/s, corpus 458 units/2807Kb
#   fuzz/run.sh 1200 onnx           Done 1037686 runs in 1201 second(s), 864 exec/s, corpus 1057 units/13395Kb
#   fuzz/run.sh 600 trainer-files   Done 1866494 runs in 601 second(s), 3105 exec/s, corpus 969 units/365Kb
#   fuzz/run.sh 540 arguments       Done 336853 runs in 541 second(s), 622 exec/s, corpus 1016 units/59Kb
# 0 crashes in each; short of issues 12 and 15's 10 million executions per pair of targets.
#
# The harness is compiled with swiftc directly (a SwiftPM executable's main clashes with libFuzzer's), together
# with the library's sources, into fuzz/.build (ignored by git). The corpus grows in fuzz/.build/corpus/TARGET,
# seeded from architectures/*.json or a list of sizes and from earlier regressions. A crash, timeout (over 10 s),
# leak or out-of-memory (over 2 GB) input stops the run and is copied to
# Tests/PMetaPlanTests/Regressions/TARGET-KIND-HASH, which `swift test` replays. The last lines of
# fuzz/.build/TARGET.log are libFuzzer's final statistics (executions, seconds, corpus size).
set -euo pipefail

seconds="${1:-60}"
target="${2:-all}"
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/fuzz/.build"
regressions="$root/Tests/PMetaPlanTests/Regressions"

case "$target" in
    all) targets=(architecture sizes plan-files protobuf onnx trainer-files arguments) ;;
    architecture | sizes | plan-files | protobuf | onnx | trainer-files | arguments) targets=("$target") ;;
    *) echo "Usage: fuzz/run.sh [seconds] [architecture|sizes|plan-files|protobuf|onnx|trainer-files|arguments|all]" >&2; exit 64 ;;
esac
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
    echo "fuzz/run.sh: seconds must be a positive whole number, found '$seconds'" >&2
    exit 64
fi

mkdir -p "$build" "$regressions"

# Compiles the fuzzer of $1 from the harness fuzz/$2.
compile() {
    local name="$1" harness="$2"
    local sources
    mapfile -t sources < <(find "$root/Sources/PMetaPlan" -name '*.swift' | sort)
    echo "Compiling the $name fuzzer..."
    swiftc -sanitize=fuzzer,address -parse-as-library -O -D PMETA_FUZZING -module-name PMetaPlan \
        -use-ld=lld -o "$build/$name-fuzzer" \
        "${sources[@]}" "$root/Tests/PMetaPlanTests/HostileInput/FuzzTarget.swift" "$root/fuzz/$harness"
}

# Builds PMetaPlan, PMetaTrainer and PMetaPlanCLI as static libraries with -enable-testing (the command targets use
# the CLI's internal specs and parser) into fuzz/.build/modules, unless the sources are unchanged since the last build.
compile_modules() {
    local modules="$build/modules" stamp module
    local sources
    stamp="$(find "$root/Sources/PMetaPlan" "$root/Sources/PMetaTrainer" "$root/Sources/PMetaPlanCLI" -name '*.swift' | sort | xargs cat | sha256sum | cut -c1-16)"
    if [ -f "$modules/stamp" ] && [ "$(cat "$modules/stamp")" = "$stamp" ]; then return 0; fi
    rm -rf "$modules"
    mkdir -p "$modules"
    for module in PMetaPlan PMetaTrainer PMetaPlanCLI; do
        mapfile -t sources < <(find "$root/Sources/$module" -name '*.swift' | sort)
        echo "Compiling the $module module for the command fuzzers..."
        swiftc -sanitize=fuzzer,address -parse-as-library -O -enable-testing -module-name "$module" -I "$modules" \
            -emit-module -emit-module-path "$modules/$module.swiftmodule" -emit-library -static -o "$modules/lib$module.a" "${sources[@]}"
    done
    echo "$stamp" > "$modules/stamp"
}

# Compiles the fuzzer of $1 from the harness fuzz/$2 and the CLI tests' command fuzz targets, against the modules.
compile_command() {
    local name="$1" harness="$2" modules="$build/modules"
    compile_modules
    echo "Compiling the $name fuzzer..."
    swiftc -sanitize=fuzzer,address -parse-as-library -O -D PMETA_FUZZING -module-name CommandFuzzer -I "$modules" -L "$modules" \
        -lPMetaPlanCLI -lPMetaTrainer -lPMetaPlan -use-ld=lld -o "$build/$name-fuzzer" \
        "$root/Tests/PMetaPlanCLITests/HostileInput/CommandFuzzTarget.swift" "$root/Tests/PMetaPlanCLITests/HostileInput/ArgumentSandbox.swift" \
        "$root/fuzz/$harness"
}

# Writes the seed inputs of $1 into its corpus folder.
seed() {
    local name="$1" corpus="$build/corpus/$1"
    mkdir -p "$corpus"
    case "$name" in
        architecture)
            cp "$root"/architectures/*.json "$corpus/"
            ;;
        protobuf | onnx)
            find "$root/Tests/PMetaPlanTests/Fixtures/ONNX" -name '*.onnx' -size -32k -exec cp {} "$corpus/" \;
            ;;
        plan-files)
            printf '%s' '{"format": 1, "kind": "update-plan", "architecture": "fuzz", "steps": [{"updates": [{"layer": "conv2", "input_ratio": "1/2"}, {"layer": "head"}]}]}' > "$corpus/seed-plan-0"
            printf '%s' '{"format": 1, "kind": "update-plan", "steps": [{"updates": [{"layer": "gn1", "parameters": "bias"}], "free_parameters": true}, {"updates": []}]}' > "$corpus/seed-plan-1"
            printf '%s' '{"format": 1, "kind": "importance", "architecture": "fuzz", "inner_steps": 2, "step_sizes": {"conv1": [0.1, 0], "gn1": [0.5, 0.2], "conv2": [0.3, 0.3], "head": [1, 0.7]}}' > "$corpus/seed-importance-0"
            ;;
        trainer-files)
            # Real files: what meta-train writes for 0 iterations (the harness runs it), one input per model folder.
            PMETA_FUZZ_SEEDS="$corpus" SWIFT_BACKTRACE=enable=no "$build/trainer-files-fuzzer"
            ;;
        arguments)
            local index=0 line
            while IFS= read -r line; do
                printf '%s' "$line" | tr ' ' '\n' > "$corpus/seed-$index"
                index=$((index + 1))
            done <<'LINES'
--budget 1.2MB 4conv.json
plan --budget 700KB 4conv.json --activation-bytes 1 --gradient-bytes 2 -o p.json
plan --budget 1.2MB 4conv.json --strategy dynamic --seed 3
plan 4conv.json --sweep --include-static
plan --budget 1KB conv.json --importance importance.json --ratios 1/4,1/2,1
plan --budget 300KB 4conv.json --attention 0.3 --rho-backward 0.1 --channel-selection first
check 4conv.json --plan plan.json --budget 700KB --format json
check 4conv.json --budget 2MB --method anil --baseline plan.json --max-increase 5%
analyze 4conv.json --method tinytl --format markdown
analyze model.onnx --plan plan.json
compare 4conv.json --methods maml,anil --budget 1MB --importance importance.json
report 4conv.json --budget 256KB --sweep-budgets 3
federated 4conv.json --local head --top-p 10 --clients 10 --rounds 100
simulate-dynamic conv.json --weights model --tasks 1 --epochs 1 --budget 0.5
simulate-federated mlp.json --rounds 1 --clients 2 --eval-tasks 1 --eval-every 1
convert model.onnx -o model.json --format json
export plan.json 4conv.json --to tiny-training -o backward_config.yaml
analyze conv.json -k 3 --samples 25 --micro-batch 5 --propagation streamed --profile paper
LINES
            ;;
        sizes)
            local index=0
            for text in 256KB "1.5 MB" 512KiB 1.0005kB 0.5KiB 2TB 256 -5MB 5% 2.5% 0.125 "5 %" 1/4 0.25 .5 1 0 3/8; do
                printf '%s' "$text" > "$corpus/seed-$index"
                index=$((index + 1))
            done
            ;;
    esac
    find "$regressions" -name "$name-*" -exec cp {} "$corpus/" \;
}

# Runs the fuzzer of $1 for $seconds seconds, then files what it found under Regressions/.
run() {
    local name="$1" maximumLength="$2" dictionary="${3:-$root/fuzz/$1.dict}"
    local artifacts="$build/artifacts/$name"
    rm -rf "$artifacts"
    mkdir -p "$artifacts"
    echo "Fuzzing $name for $seconds s (log: fuzz/.build/$name.log)..."
    local status=0
    # Temporary files (the arguments target's sandbox) stay in fuzz/.build/tmp/TARGET, emptied before each run.
    rm -rf "$build/tmp/$name"
    mkdir -p "$build/tmp/$name"
    TMPDIR="$build/tmp/$name/" SWIFT_BACKTRACE=enable=no "$build/$name-fuzzer" "$build/corpus/$name" -dict="$dictionary" -max_total_time="$seconds" \
        -max_len="$maximumLength" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" > "$build/$name.log" 2>&1 || status=$?
    grep -E '^(Done|stat::)|#[0-9]+\s+DONE' "$build/$name.log" || true
    local found=0
    for artifact in "$artifacts"/*; do
        [ -e "$artifact" ] || continue
        local base kind hash
        base="$(basename "$artifact")"
        kind="${base%%-*}"
        hash="${base#*-}"
        cp "$artifact" "$regressions/$name-$kind-$hash"
        echo "Found a $kind: Tests/PMetaPlanTests/Regressions/$name-$kind-$hash"
        found=1
    done
    if [ "$found" -eq 1 ] || [ "$status" -ne 0 ]; then
        tail -n 40 "$build/$name.log" >&2
        return 1
    fi
}

failed=0
for name in "${targets[@]}"; do
    case "$name" in
        architecture) compile architecture ArchitectureFuzzer.swift; seed architecture; run architecture 32768 || failed=1 ;;
        sizes) compile sizes SizeFuzzer.swift; seed sizes; run sizes 256 || failed=1 ;;
        plan-files) compile plan-files PlanFileFuzzer.swift; seed plan-files; run plan-files 4096 || failed=1 ;;
        protobuf) compile protobuf ProtobufFuzzer.swift; seed protobuf; run protobuf 32768 || failed=1 ;;
        onnx) compile onnx ONNXFuzzer.swift; seed onnx; run onnx 32768 || failed=1 ;;
        trainer-files) compile_command trainer-files TrainerFileFuzzer.swift; seed trainer-files; run trainer-files 4096 || failed=1 ;;
        arguments)
            compile_command arguments ArgumentFuzzer.swift
            seed arguments
            # The dictionary comes from the commands' specs: every subcommand, option spelling and allowed value.
            PMETA_FUZZ_DICTIONARY="$build/arguments.dict" "$build/arguments-fuzzer"
            run arguments 1024 "$build/arguments.dict" || failed=1
            ;;
    esac
done
exit "$failed"
