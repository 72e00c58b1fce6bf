#!/bin/sh
# A stand-in for a distributed trainer (accelerate + DeepSpeed), for the train.backend external tests. It checks
# what the stage hands a real trainer (the chat JSONL, the DeepSpeed config, the training arguments), then "trains"
# by copying a ready Hugging Face checkpoint into the output folder and writing a trainer_state.json log, as
# transformers' Trainer.save_model + save_state would.
#   sh standin-trainer.sh DATA DEEPSPEED_CONFIG TRAINING_ARGS OUTPUT_DIR EXPECTED_LINES MODEL_FOLDER
set -eu
data=$1 deepspeed=$2 args=$3 out=$4 expected=$5 model=$6

fail() { echo "stand-in: $*" >&2; exit 3; }

lines=$(wc -l < "$data" | tr -d ' ')
[ "$lines" = "$expected" ] || fail "expected $expected lines in $data, found $lines"
# Every line one user turn then one assistant turn with the reasoning kept.
chat=$(grep -c '^{"messages":\[{"role":"user","content":".*"},{"role":"assistant","content":"<think>.*</think>.*"}\]}$' "$data" || true)
[ "$chat" = "$lines" ] || fail "$((lines - chat)) line(s) of $data are not a user + assistant chat with <think>"
grep -q '"stage": 3' "$deepspeed" || fail "$deepspeed has no ZeRO stage 3"
grep -q '"train_batch_size": 8,' "$deepspeed" || fail "$deepspeed has not the global batch 8"
grep -q '"learning_rate": 0.003,' "$args" || fail "$args has not the learning rate 3e-3"
grep -qF "\"output_dir\": \"$out\"" "$args" || fail "$args names another output_dir than $out"
grep -qF "\"deepspeed\": \"$deepspeed\"" "$args" || fail "$args does not point at $deepspeed"

echo "stand-in: read $lines examples, ZeRO stage 3"
echo "stand-in: a line on stderr" >&2
cp "$model"/* "$out"/
cat > "$out/trainer_state.json" <<'JSON'
{"global_step": 2, "log_history": [
  {"epoch": 0.5, "grad_norm": 1.5, "learning_rate": 0.003, "loss": 7.25, "step": 1},
  {"epoch": 1.0, "grad_norm": 1.25, "learning_rate": 0.0, "loss": 6.5, "step": 2},
  {"epoch": 1.0, "step": 2, "train_loss": 6.875, "train_runtime": 1.0}
]}
JSON
echo "stand-in: saved the model into $out"
