#!/usr/bin/env bash
# A one-node Slurm cluster on this machine for the sweep integration test, everything under DIR:
#   one-node-cluster.sh start DIR CTLD_PORT SLURMD_PORT CPUS   -> DIR/slurm.conf (export SLURM_CONF=DIR/slurm.conf)
#   one-node-cluster.sh stop DIR
# munged, slurmctld and slurmd run as this user (root in CI) with their key, sockets, state, spool and logs in DIR;
# stop kills exactly the daemons that start recorded in DIR/*.pid. Needs Debian's slurm-wlm and munge.
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?DIR}
case "$cmd" in
start)
  ctld_port=${3:?CTLD_PORT}; slurmd_port=${4:?SLURMD_PORT}; cpus=${5:-2}
  for b in munged slurmctld slurmd sinfo; do command -v "$b" >/dev/null || { echo "missing $b (apt-get install slurm-wlm munge)" >&2; exit 3; }; done
  mkdir -p "$dir"/{munge,state,spool,log}
  chmod 700 "$dir" "$dir"/munge
  head -c 1024 /dev/urandom > "$dir/munge/munge.key"
  chmod 400 "$dir/munge/munge.key"
  munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" --pid-file="$dir/munge/munged.pid" \
    --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munged.seed"
  host=$(hostname -s)
  user=$(id -un)
  cat > "$dir/slurm.conf" <<CONF
ClusterName=saddlescope
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
KillWait=10
MinJobAge=600
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=sweepnode NodeHostname=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=sweep Nodes=sweepnode Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF="$dir/slurm.conf"
  slurmctld -D -i -f "$dir/slurm.conf" >>"$dir/log/slurmctld.out" 2>&1 &
  echo $! > "$dir/slurmctld.daemon.pid"
  slurmd -D -N sweepnode -f "$dir/slurm.conf" >>"$dir/log/slurmd.out" 2>&1 &
  echo $! > "$dir/slurmd.daemon.pid"
  for _ in $(seq 1 120); do
    state=$(sinfo -h -n sweepnode -o %T 2>/dev/null || true)
    case "$state" in idle*|mixed*|allocated*) echo "slurm up: $state"; exit 0;; esac
    sleep 0.5
  done
  echo "slurm did not come up (node state '${state:-none}'); logs:" >&2
  tail -n 30 "$dir"/log/*.log "$dir"/log/*.out >&2 || true
  exit 4
  ;;
stop)
  export SLURM_CONF="$dir/slurm.conf"
  [ -f "$dir/slurm.conf" ] && scancel --quiet --partition=sweep 2>/dev/null || true
  for f in slurmd.daemon.pid slurmctld.daemon.pid munge/munged.pid; do
    if [ -f "$dir/$f" ]; then pid=$(cat "$dir/$f"); kill "$pid" 2>/dev/null || true; fi
  done
  for f in slurmd.daemon.pid slurmctld.daemon.pid munge/munged.pid; do
    if [ -f "$dir/$f" ]; then
      pid=$(cat "$dir/$f")
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  ;;
*) echo "usage: $0 start DIR CTLD_PORT SLURMD_PORT [CPUS] | stop DIR" >&2; exit 2;;
esac
