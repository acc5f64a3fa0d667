#!/usr/bin/env bash
# Prepares a new Debian or Ubuntu droplet for fleet. Run it as root, once or again (it is
# idempotent: each step checks before it changes anything):
#
#   bootstrap.sh [--help] [--nginx SERVICE] [PUBLIC_KEY]
#
#   --nginx SERVICE  also prepare the droplet for rollout.strategy: blue-green: Debian's nginx,
#               the file fleet rewrites at each switch (/etc/nginx/conf.d/fleet-SERVICE.conf,
#               owned by the deploy user; until fleet's first apply its upstream goes nowhere) and
#               a sudoers rule allowing the deploy user `nginx -t` and `nginx -s reload`, nothing
#               else. Your site then proxies to it: proxy_pass http://fleet_SERVICE;
#   PUBLIC_KEY  the public half of the key fleet logs in with (ssh.identity-file in the state),
#               one authorized_keys line such as "ssh-ed25519 AAAA... fleet"; or set
#               FLEET_DEPLOY_KEY instead. Over SSH, the variable survives the remote shell's
#               word splitting where an argument would not:
#                 ssh root@HOST "FLEET_DEPLOY_KEY='$(cat fleet_ed25519.pub)' bash -s" < bootstrap.sh
#
# It installs the distribution's Docker engine (docker.io), creates the user `deploy` in the
# docker group with that key, and closes password logins for it. Why the app's drain endpoint
# must stay private, and how, is at the end of this file.
set -euo pipefail

readonly DEPLOY_USER=deploy
readonly SSHD_DROP_IN=/etc/ssh/sshd_config.d/60-fleet-deploy.conf

say() { printf 'bootstrap: %s\n' "$*" >&2; }
die() { printf 'bootstrap: error: %s\n' "$*" >&2; exit 1; }
usage() {
  # Piped into `bash -s` there is no file to read the header from.
  if [[ -r "${BASH_SOURCE[0]:-}" ]]; then
    sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  else
    echo "usage: bootstrap.sh [--help] [PUBLIC_KEY], or the key in FLEET_DEPLOY_KEY; run as root"
  fi
}

key=${FLEET_DEPLOY_KEY:-}
nginx_service=
positional=()
while (($#)); do
  case $1 in
    -h | --help) usage; exit 0 ;;
    --nginx) (($# >= 2)) || die "--nginx needs the service's name"; nginx_service=$2; shift 2 ;;
    --) shift; positional+=("$@"); break ;;
    -*) die "unknown option '$1' (try --help)" ;;
    *) positional+=("$1"); shift ;;
  esac
done
((${#positional[@]} <= 1)) || die "one public key only, in quotes (try --help)"
if ((${#positional[@]} == 1)); then key=${positional[0]}; fi

[[ $EUID -eq 0 ]] || die "run this as root"
[[ -r /etc/os-release ]] || die "no /etc/os-release: not a Debian or Ubuntu system"
# shellcheck disable=SC1091
. /etc/os-release
[[ " ${ID:-} ${ID_LIKE:-} " == *" debian "* || "${ID:-}" == ubuntu ]] \
  || die "this is ${PRETTY_NAME:-an unknown system}; the script knows Debian and Ubuntu only"

# One line in authorized_keys form: a key type, base64 data, an optional comment. Options in front
# (from="...", command="...") are refused: they are a choice to make by hand, not by accident.
key=$(printf '%s' "$key" | tr -d '\r')
[[ -n "$key" ]] || die "no public key: give it as an argument or in FLEET_DEPLOY_KEY (try --help)"
[[ "$key" != *$'\n'* ]] || die "the public key must be one line"
key_pattern='^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+=*( .*)?$'
[[ "$key" =~ $key_pattern ]] \
  || die "that is not an OpenSSH public key line (expected 'ssh-ed25519 AAAA... comment'); never pass the private key"

export DEBIAN_FRONTEND=noninteractive
apt_updated=
install_packages() {
  local missing=() package
  for package in "$@"; do
    dpkg-query -W -f '${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  ((${#missing[@]})) || return 0
  if [[ -z "$apt_updated" ]]; then
    apt-get update -qq
    apt_updated=1
  fi
  say "installing ${missing[*]}"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# --- Docker engine -------------------------------------------------------------------------------

# An engine installed another way (Docker's own docker-ce packages) is kept: docker.io would
# conflict with it. ca-certificates is only a recommendation of docker.io, but pulls over HTTPS
# need it.
if dpkg-query -W -f '${Status}' docker-ce 2>/dev/null | grep -q 'install ok installed'; then
  say "docker-ce is installed; keeping it instead of docker.io"
  install_packages ca-certificates
else
  install_packages docker.io ca-certificates
fi
# fleet talks to the engine through `docker system dial-stdio` over SSH: the CLI must be there.
command -v docker >/dev/null || die "no docker command after installing the engine"
# Under systemd (any cloud image) the unit. A system started without it (a container, a minimal
# VM) gets dockerd started directly, as its init script would, less the limits a container may not
# raise; it does not come back after a reboot there, which the message says.
if [[ -d /run/systemd/system ]]; then
  systemctl enable --now docker.service >/dev/null 2>&1 || systemctl start docker.service
elif ! docker info >/dev/null 2>&1; then
  say "no systemd here: starting dockerd directly (log: /var/log/docker.log); start it again after a reboot"
  setsid nohup /usr/sbin/dockerd >>/var/log/docker.log 2>&1 </dev/null &
fi
for _ in $(seq 60); do
  docker info >/dev/null 2>&1 && break
  sleep 0.5
done
docker info --format 'bootstrap: Docker engine {{.ServerVersion}} runs' >&2 \
  || die "the Docker engine does not answer (docker info); see its log (journalctl -u docker, or /var/log/docker.log)"

# --- the deploy user -----------------------------------------------------------------------------

# /bin/sh (dash): every channel fleet opens (each Docker API connection, its lock's commands)
# starts the user's login shell, and dash starts faster than bash and reads no ~/.bashrc.
# fleet keeps its lock and history in ~/.fleet on the first droplet, so the user needs a home.
if ! id "$DEPLOY_USER" >/dev/null 2>&1; then
  useradd --create-home --shell /bin/sh --groups docker "$DEPLOY_USER"
  say "created user $DEPLOY_USER"
fi
id -nG "$DEPLOY_USER" | tr ' ' '\n' | grep -qx docker || usermod -aG docker "$DEPLOY_USER"
[[ "$(getent passwd "$DEPLOY_USER" | cut -d: -f7)" == /bin/sh ]] || usermod --shell /bin/sh "$DEPLOY_USER"
# useradd leaves the password locked ('!'). With UsePAM no, sshd refuses a locked account even for
# key logins; '*' matches no password either, without locking the account.
[[ "$(getent shadow "$DEPLOY_USER" | cut -d: -f2)" == '*' ]] || usermod --password '*' "$DEPLOY_USER"

home=$(getent passwd "$DEPLOY_USER" | cut -d: -f6)
install -d -m 700 -o "$DEPLOY_USER" -g "$DEPLOY_USER" "$home/.ssh"
authorized=$home/.ssh/authorized_keys
[[ -f "$authorized" ]] || install -m 600 -o "$DEPLOY_USER" -g "$DEPLOY_USER" /dev/null "$authorized"
# The same key (type and data) may already be there under another comment.
key_data=$(cut -d' ' -f1,2 <<<"$key")
if ! cut -d' ' -f1,2 "$authorized" | grep -qxF -- "$key_data"; then
  printf '%s\n' "$key" >>"$authorized"
  say "authorized the key for $DEPLOY_USER"
fi
chown "$DEPLOY_USER:$DEPLOY_USER" "$authorized"
chmod 600 "$authorized"

# --- sshd, lightly -------------------------------------------------------------------------------

# Only for the deploy user, so that the way root or people log in today is not changed from here.
# Its key is as good as root on this droplet (the docker group can run any container), so: keys
# only, and no forwarding beyond what fleet uses. fleet asks for local forwards to 127.0.0.1 (the
# health checks and the drain call) and reaches Docker by running a command. It keeps up to sshd's
# default MaxSessions (10) channels open per connection, so that is not lowered.
install_packages openssh-server
drop_in=$(cat <<DROPIN
# Written by fleet's deploy/droplet/bootstrap.sh: the deploy user logs in with its key only.
Match User $DEPLOY_USER
    AuthenticationMethods publickey
    PasswordAuthentication no
    AllowTcpForwarding local
    PermitOpen 127.0.0.1:*
    AllowStreamLocalForwarding no
    AllowAgentForwarding no
    X11Forwarding no
    PermitTunnel no
DROPIN
)
grep -Eqs '^[[:space:]]*Include[[:space:]]+/etc/ssh/sshd_config\.d/\*\.conf' /etc/ssh/sshd_config \
  || die "/etc/ssh/sshd_config does not include /etc/ssh/sshd_config.d/*.conf; add the Match block of this script to it by hand"
if [[ "$(cat "$SSHD_DROP_IN" 2>/dev/null || true)" != "$drop_in" ]]; then
  previous=$(mktemp)
  had_previous=
  if [[ -f "$SSHD_DROP_IN" ]]; then cp -p "$SSHD_DROP_IN" "$previous"; had_previous=1; fi
  printf '%s\n' "$drop_in" >"$SSHD_DROP_IN"
  chmod 644 "$SSHD_DROP_IN"
  # A broken sshd configuration locks everyone out at the next restart: test it, and check the
  # result as sshd applies it to the deploy user, before reloading.
  install -d -m 755 /run/sshd
  # (sshd -T's output is read whole before grep looks at it: grep -q stopping early would end
  # sshd with SIGPIPE, which pipefail reports as a failure.)
  if ! /usr/sbin/sshd -t || ! settings=$(/usr/sbin/sshd -T -C "user=$DEPLOY_USER,host=localhost,addr=127.0.0.1") \
    || ! grep -qx 'passwordauthentication no' <<<"$settings"; then
    if [[ -n "$had_previous" ]]; then cp -p "$previous" "$SSHD_DROP_IN"; else rm -f "$SSHD_DROP_IN"; fi
    rm -f "$previous"
    die "sshd did not take $SSHD_DROP_IN as expected; it is back as it was"
  fi
  rm -f "$previous"
  # The unit is ssh.service on both. Under Ubuntu's socket activation it may not run yet; it then
  # reads the file when it starts.
  if [[ -d /run/systemd/system ]]; then
    systemctl try-reload-or-restart ssh.service
  elif [[ -f /run/sshd.pid ]]; then
    # Without systemd: sshd rereads its configuration on SIGHUP, by starting itself again, and
    # refuses connections for a moment meanwhile; wait until it listens again, so that whatever
    # connects next (fleet init, fleet apply) finds it.
    kill -HUP "$(cat /run/sshd.pid)"
    port_hex=$(printf '%04X' "$(awk '$1 == "port" { print $2; exit }' <<<"$settings")")
    for _ in $(seq 40); do
      sleep 0.25
      grep -qE ":$port_hex [0-9A-F]+:[0-9A-F]+ 0A " /proc/net/tcp /proc/net/tcp6 2>/dev/null && break
    done
  fi
  say "sshd: $DEPLOY_USER logs in with its key only"
fi

say "done. Add this droplet's host keys to the state's known_hosts (ssh-keyscan -p 22 ADDRESS),"
say "after checking their fingerprints against the droplet's console; and keep the app's drain"
say "endpoint private (the end of this script says how)."

# --- the drain endpoint must stay private --------------------------------------------------------
#
# Behind a balancer that health-checks the droplets (balancer.kind: health-check), fleet drains a
# droplet by calling the app's drain endpoint (drain.path, the seed's /shutdown), which makes its
# health check fail. Anyone who can reach that endpoint can take droplets out of rotation, one
# request each, so the seed's advice holds: /shutdown must not be reachable from outside. fleet
# calls it from the droplet itself (through its SSH forward to 127.0.0.1:drain.port), so it needs
# no outside access. Ways to keep it private, best first:
#
# 1. Serve the drain endpoint on its own port, published on the droplet's loopback only, and point
#    fleet at it; the public port then has no /shutdown at all:
#        service.ports: ["80:80", "127.0.0.1:8081:8081"]
#        drain: { path: /shutdown, port: 8081 }
#    The app must still make the health check the balancer uses (on port 80) fail once called.
# 2. Keep one port, and refuse the path in front of the app: HAProxy can (`http-request deny if
#    { path_beg /shutdown }` in the frontend, see deploy/haproxy/haproxy.cfg.example); a cloud load
#    balancer that forwards every path cannot, so use 1 there.
# 3. Have the app check the caller's address. Weak under Docker: with a published port, requests
#    from the droplet's loopback reach the container from the bridge's gateway (docker-proxy), not
#    from 127.0.0.1, so "only from 127.0.0.1" refuses fleet too, and "only from the gateway" is easy
#    to get wrong.
#
# In every case, let only the balancer reach the app's public port: a cloud firewall (DigitalOcean's
# can name a load balancer as the only source), or nftables/iptables rules in the DOCKER-USER chain.
# Not ufw's or INPUT rules alone: Docker publishes ports through its own chains, which traffic to a
# container passes before INPUT would see it.

# --- nginx for blue-green (--nginx SERVICE) ------------------------------------------------------

if [[ -n "$nginx_service" ]]; then
  [[ "$nginx_service" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$ ]] || die "--nginx: '$nginx_service' is not a service name"
  install_packages nginx-light sudo
  upstream=fleet_${nginx_service//[^A-Za-z0-9_]/_}
  fleet_conf=/etc/nginx/conf.d/fleet-$nginx_service.conf
  if [[ ! -f "$fleet_conf" ]]; then
    printf '# fleet rewrites this file at each blue-green switch. Until then: no colour, nginx answers 502.\nupstream %s {\n    server 127.0.0.1:9;\n}\n' \
      "$upstream" >"$fleet_conf"
    say "wrote $fleet_conf (upstream $upstream)"
  fi
  chown "$DEPLOY_USER:$DEPLOY_USER" "$fleet_conf"
  chmod 644 "$fleet_conf"
  sudoers=/etc/sudoers.d/fleet-nginx
  rule="$DEPLOY_USER ALL=(root) NOPASSWD: /usr/sbin/nginx -t, /usr/sbin/nginx -s reload"
  if [[ "$(cat "$sudoers" 2>/dev/null || true)" != "$rule" ]]; then
    tmp=$(mktemp)
    printf '%s\n' "$rule" >"$tmp"
    visudo -cqf "$tmp" || { rm -f "$tmp"; die "sudo refused the rule for nginx; nothing was changed"; }
    install -m 440 "$tmp" "$sudoers"
    rm -f "$tmp"
    say "allowed $DEPLOY_USER to run nginx -t and nginx -s reload"
  fi
  nginx -t 2>/dev/null || die "nginx -t fails; fix nginx's configuration (nginx -t says why)"
  systemctl enable --now nginx.service >/dev/null 2>&1 || systemctl start nginx.service
  say "nginx ready: point your site at upstream $upstream (proxy_pass http://$upstream;)"
fi
