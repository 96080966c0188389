#!/bin/bash
# PyraLNet, yin_yang_bss2 (analog mock), rule every 300 steps, 45 epochs; resumable per seed.
cd "$(dirname "$0")"
for s in "$@"; do
  [ -f seed$s.json ] && continue
  if [ -f ckpt$s.json ]; then
    nice -n 19 ./microcircuit train --load ckpt$s.json --save ckpt$s.json --checkpoint-every 6000 > seed$s.tmp || exit 1
  else
    nice -n 19 ./microcircuit train --preset yin_yang_bss2 --engine pyralnet --epochs 45 --seed $s \
      --config pyralnet_p300.config.json --save ckpt$s.json --checkpoint-every 6000 > seed$s.tmp || exit 1
  fi
  mv seed$s.tmp seed$s.json
done
