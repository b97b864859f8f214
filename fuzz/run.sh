#!/usr/bin/env bash
# Fuzz pmeta-plan's readers with libFuzzer (Linux, Swift 6 toolchain).
#
# Usage: fuzz/run.sh [seconds] [target]
#   seconds  how long each target runs; default 60
#   target   architecture, sizes, plan-files or all; default all
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
# Not covered by a harness yet: the trainer's files (weights.bin, model.json with its task) and whole argument
# vectors through PMetaPlanCommand.run; `swift test` covers their regressions (Tests/PMetaPlanCLITests/Issue15).
#   protobuf      ONNXModel(bytes:) on the input: a model or a ProtobufError whose offset lies inside the input.
#   onnx          ONNXImporter.architectureDocument(bytes:file:), then the decoder, shapes and cost model on the
#                 document. Both ONNX targets are seeded with the fixtures of Tests/PMetaPlanTests/Fixtures/ONNX up to
#                 32 KiB (among them blocks_micro and vit_micro, which hold every mapping in 17 to 28 kB) and take
#                 inputs up to 32 KiB: with the 40 to 225 kB exports as seeds and 256 KiB inputs, libFuzzer ran 249
#                 (protobuf) and 149 (onnx) inputs a second here, most of it spent moving and hashing large inputs.
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
    all) targets=(architecture sizes plan-files protobuf onnx) ;;
    architecture | sizes | plan-files | protobuf | onnx) targets=("$target") ;;
    *) echo "Usage: fuzz/run.sh [seconds] [architecture|sizes|plan-files|protobuf|onnx|all]" >&2; exit 64 ;;
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
    local name="$1" maximumLength="$2"
    local artifacts="$build/artifacts/$name"
    rm -rf "$artifacts"
    mkdir -p "$artifacts"
    echo "Fuzzing $name for $seconds s (log: fuzz/.build/$name.log)..."
    local status=0
    SWIFT_BACKTRACE=enable=no "$build/$name-fuzzer" "$build/corpus/$name" -dict="$root/fuzz/$name.dict" -max_total_time="$seconds" \
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
    esac
done
exit "$failed"
