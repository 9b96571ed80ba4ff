#!/usr/bin/env bash
# Starts munge and a one-node Slurm on localhost; prints the SLURM_CONF path on stdout.
# usage: slurm_up.sh WORKDIR
set -euo pipefail
work=$1
mkdir -p "$work/slurm/state" "$work/slurm/spool" "$work/slurm/log"
# munge: as the munge user, in the foreground, in the background (it refuses root's log dir).
if ! munge -n >/dev/null 2>&1; then
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge
  [ -f /etc/munge/munge.key ] || { echo "no /etc/munge/munge.key" >&2; exit 1; }
  runuser -u munge -- munged --foreground >"$work/slurm/log/munged.log" 2>&1 &
  for _ in $(seq 1 100); do munge -n >/dev/null 2>&1 && break; sleep 0.1; done
  munge -n >/dev/null 2>&1 || { echo "munged did not start:" >&2; cat "$work/slurm/log/munged.log" >&2; exit 1; }
fi
host=$(hostname -s)
mem=$(( $(free -m | awk '/^Mem:/ {print $2}') - 512 ))
conf="$work/slurm/slurm.conf"
cat >"$conf" <<CONF
ClusterName=pekonode-ci
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
MpiDefault=none
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
StateSaveLocation=$work/slurm/state
SlurmdSpoolDir=$work/slurm/spool
SlurmctldPidFile=$work/slurm/slurmctld.pid
SlurmdPidFile=$work/slurm/slurmd.pid
SlurmctldLogFile=$work/slurm/log/slurmctld.log
SlurmdLogFile=$work/slurm/log/slurmd.log
NodeName=$host CPUs=2 Sockets=1 CoresPerSocket=2 ThreadsPerCore=1 RealMemory=$mem State=UNKNOWN
PartitionName=ci Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$conf
slurmctld -D -f "$conf" >"$work/slurm/log/slurmctld.out" 2>&1 &
slurmd -D -f "$conf" >"$work/slurm/log/slurmd.out" 2>&1 &
for _ in $(seq 1 300); do
  [ "$(sinfo -h -o %t 2>/dev/null | head -1)" = "idle" ] && break
  sleep 0.2
done
if [ "$(sinfo -h -o %t 2>/dev/null | head -1)" != "idle" ]; then
  echo "slurm did not come up:" >&2
  tail -20 "$work/slurm/log/slurmctld.log" "$work/slurm/log/slurmd.log" >&2 || true
  exit 1
fi
echo "$conf"
