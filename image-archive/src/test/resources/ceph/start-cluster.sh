#!/usr/bin/env bash
# Starts a throwaway Ceph cluster on 127.0.0.1 for tests: 1 mon (3300), 1 memstore OSD, radosgw with TLS on 7443.
# Usage: start-cluster.sh DIR CERT.pem KEY.pem ACCESS_KEY SECRET_KEY. Prints "ready" when an S3 user exists.
# Everything lives in DIR; stop-cluster.sh DIR ends every daemon it started (pid files in DIR/run).
set -euo pipefail
dir=$1 cert=$2 key=$3 access=$4 secret=$5
mkdir -p "$dir"/{mon,osd,run,log,rgw}
fsid=$(cat /proc/sys/kernel/random/uuid)
conf=$dir/ceph.conf
cat > "$conf" <<CONF
[global]
fsid = $fsid
mon host = v2:127.0.0.1:3300
mon initial members = a
public network = 127.0.0.0/8
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
keyring = $dir/keyring
run dir = $dir/run
pid file = $dir/run/\$name.pid
admin socket = $dir/run/\$name.asok
log file = $dir/log/\$name.log
mon data = $dir/mon
osd data = $dir/osd
osd objectstore = memstore
memstore device bytes = 2147483648
osd pool default size = 1
osd pool default min size = 1
osd crush chooseleaf type = 0
mon allow pool delete = true
mon warn on pool no redundancy = false
ms bind ipv6 = false
[client.rgw.a]
rgw frontends = beast ssl_endpoint=127.0.0.1:7443 ssl_certificate=$cert ssl_private_key=$key
rgw data = $dir/rgw
CONF
ceph-authtool --create-keyring "$dir/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
ceph-authtool "$dir/keyring" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' >/dev/null
ceph-authtool "$dir/keyring" --gen-key -n osd.0 --cap mon 'allow profile osd' --cap osd 'allow *' >/dev/null
ceph-authtool "$dir/keyring" --gen-key -n client.rgw.a --cap mon 'allow rw' --cap osd 'allow rwx' >/dev/null
monmaptool --create --addv a '[v2:127.0.0.1:3300]' --fsid "$fsid" "$dir/monmap" >/dev/null
ceph-mon -c "$conf" --mkfs -i a --monmap "$dir/monmap" --keyring "$dir/keyring"
ceph-mon -c "$conf" -i a
ceph -c "$conf" --connect-timeout 20 osd create >/dev/null
ceph-osd -c "$conf" -i 0 --mkfs --osd-uuid "$(cat /proc/sys/kernel/random/uuid)" 2>/dev/null
ceph-osd -c "$conf" -i 0
for _ in $(seq 1 60); do
  ceph -c "$conf" --connect-timeout 5 osd stat 2>/dev/null | grep -q "1 up" && break
  sleep 0.5
done
radosgw -c "$conf" -n client.rgw.a
radosgw-admin -c "$conf" user create --uid=test --display-name=test --access-key="$access" --secret-key="$secret" >/dev/null
echo ready
