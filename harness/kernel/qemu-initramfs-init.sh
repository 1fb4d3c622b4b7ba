#!/bin/sh
# PID 1 of the QEMU guest that lvs-harness boots (harness/kernel/qemu-backend.ts), run from
# its initramfs by busybox: loads the modules that reach the host (virtio, 9p, in the order
# of /modules/order), mounts the host's root read-only and the exchange folder read-write over
# 9p, then hands PID 1 over to the exchange folder's init.sh inside the host's root. The
# kernel passes `lvsh_exchange=...` from its command line to us as an environment variable.
export PATH=/bin
say() { echo "lvs-harness guest: $*"; }
stop() { say "$*"; poweroff -f; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
while IFS= read -r module || [ -n "$module" ]; do
  [ -n "$module" ] && { insmod "/modules/$module" || say "cannot load $module"; }
done < /modules/order
X="$lvsh_exchange"
# Large messages and the page cache make the read-only root fast; the exchange folder is not
# cached, so what the host wrote before the boot and the guest writes are seen as they are.
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,cache=loose,ro hostroot /newroot || stop "cannot mount the host's root over 9p"
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 exchange "/newroot$X" || stop "cannot mount the exchange folder $X"
umount /proc /sys /dev
exec switch_root /newroot /bin/sh "$X/init.sh"
