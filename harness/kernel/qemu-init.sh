#!/bin/sh
# The QEMU guest's init once the host's root is its root (the initramfs's init hands over to
# this): makes the few writable places a system needs and mounts what the job shares with the
# host, as uml-init.sh does for User-Mode Linux, then runs the job's own part (guest-job.sh,
# the same for every backend). The root is the host's, read-only over 9p; folders the job
# writes to are 9p shares of their own (tags w0, w1, ... in the order of $X/rw-mounts).
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
X="$lvsh_exchange"
say() { echo "lvs-harness guest: $*"; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm 2>/dev/null
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t tmpfs -o mode=755 tmpfs /run
mkdir -p /run/netns /run/lvs-harness-modules /run/host-tmp
# The serial lines carry text as it is: no carriage return added before each newline.
stty -F /dev/ttyS0 -opost 2>/dev/null
stty -F /dev/ttyS1 -opost 2>/dev/null
# The host's /tmp (seen through the read-only root), kept beside the guest's own before that hides it.
mount --bind /tmp /run/host-tmp
mount -t tmpfs -o mode=1777 tmpfs /tmp
# Host folders under /tmp that the command needs: the host's, bound at their own path.
while IFS= read -r folder || [ -n "$folder" ]; do
  [ -n "$folder" ] || continue
  mkdir -p "$folder" && mount --bind "/run/host-tmp/${folder#/tmp/}" "$folder" || say "cannot mount $folder"
done < "$X/mounts"
# Files lying directly in the host's /tmp: a link for each.
while IFS= read -r name || [ -n "$name" ]; do
  [ -n "$name" ] && ln -s "/run/host-tmp/$name" "/tmp/$name"
done < "$X/tmp-files"
# Host folders the command writes its results to (a bundle, kept captures), read-write.
share=0
while IFS= read -r folder || [ -n "$folder" ]; do
  [ -n "$folder" ] || continue
  mkdir -p "$folder" 2>/dev/null
  mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 "w$share" "$folder" || say "cannot mount $folder read-write"
  share=$((share + 1))
done < "$X/rw-mounts"

# The command's stderr goes to the second serial line, which the host streams to its stderr.
export LVSH_ERROR_CONSOLE=/dev/ttyS1
# The rest is every backend's: modules, the command, its exit status, power-off.
. "$X/job.sh"
