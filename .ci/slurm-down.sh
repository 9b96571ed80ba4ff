#!/usr/bin/env bash
# Stops the Slurm started by slurm_up.sh (SLURM_CONF set) and the munged it started.
timeout 20 scontrol shutdown >/dev/null 2>&1 || true
for _ in $(seq 1 50); do pgrep -x slurmctld >/dev/null || pgrep -x slurmd >/dev/null || break; sleep 0.2; done
pkill -x slurmd 2>/dev/null || true
pkill -x slurmctld 2>/dev/null || true
pkill -u munge -x munged 2>/dev/null || true
