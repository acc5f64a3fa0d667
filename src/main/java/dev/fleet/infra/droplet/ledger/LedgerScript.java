package dev.fleet.infra.droplet.ledger;

import dev.fleet.infra.ssh.ShellWords;

/**
 * The operations, run by {@code sh -c SCRIPT fleet-ledger OP SERVICE ARGS...} with the script read
 * from stdin by exactly its length ({@code DropletLedger.execute}); exit 75 when the lock file stays busy.
 * A lease is read only once it has {@link LeaseLine#SHAPE}: one that has not is answered
 * {@code garbled BASE64} (its bytes, for {@link LeaseLine} to say what is wrong) and left as it is,
 * for {@code fleet unlock} to break. A renewal writes the whole line again from its fields.
 */
final class LedgerScript {

    static final String TEXT = """
            set -eu
            export LC_ALL=C
            op=$1; service=$2
            dir="${HOME:-/tmp}/.fleet/$service"
            mkdir -p "$dir"
            if [ "$op" = record ]; then
              # The record follows the script on stdin, $3 bytes; taken before the lock, appended whole under it.
              record="$dir/record.$$"
              trap 'rm -f "$record"' EXIT
              head -c "$3" > "$record"
              if [ "$(($(wc -c < "$record")))" -ne "$3" ]; then echo "the record came short of its $3 bytes" >&2; exit 65; fi
            fi
            exec 9>>"$dir/lock"
            flock -w 10 9 || { echo "$dir/lock stayed busy for 10s" >&2; exit 75; }
            now=$(date +%s)
            lease=""
            if [ -s "$dir/lease" ]; then lease=$(head -c @READ_BYTES@ "$dir/lease"); fi
            field() { printf '%s\\n' "$lease" | tr ' ' '\\n' | sed -n "s/^$1=//p"; }
            write() { printf '%s\\n' "$1" > "$dir/lease.new" && mv "$dir/lease.new" "$dir/lease"; }
            readable() {
              [ "${#lease}" -le @MAX_BYTES@ ] && [ "$(printf '%s\\n' "$lease" | wc -l)" -eq 1 ] \\
                && printf '%s\\n' "$lease" | grep -Eqx '@SHAPE@'
            }
            encoded() { printf '%s' "$lease" | base64 | tr -d '\\n'; }
            if [ -n "$lease" ] && ! readable; then
              case "$op" in acquire|renew|release) printf 'garbled %s\\n' "$(encoded)"; exit 0 ;; esac
            fi
            case "$op" in
              acquire)
                if [ -n "$lease" ] && [ "$(field expires)" -gt "$now" ] && [ "$(field run)" != "$4" ] \\
                    && [ "$(field run)" != "$8" ]; then
                  printf 'held now=%s %s\\n' "$now" "$lease"; exit 0
                fi
                write "run=$4 owner=$5 commit=$6 since=$now expires=$((now + $3)) process=$7"
                quiet=never
                if [ -f "$dir/released" ]; then quiet=$((now - $(stat -c %Y "$dir/released"))); fi
                printf 'acquired now=%s quiet=%s %s\\n' "$now" "$quiet" "$(cat "$dir/lease")"
                if [ -n "$lease" ] && [ "$(field run)" != "$4" ]; then printf 'expired %s\\n' "$lease"; fi ;;
              renew)
                if [ -z "$lease" ] || [ "$(field run)" != "$4" ]; then echo lost; exit 0; fi
                process=$(field process)
                write "run=$(field run) owner=$(field owner) commit=$(field commit) since=$(field since) expires=$((now + $3))${process:+ process=$process}"
                echo renewed ;;
              release)
                if [ -n "$lease" ] && [ "$(field run)" = "$3" ]; then rm -f "$dir/lease"; touch "$dir/released"; fi
                echo released ;;
              break)
                if [ -z "$lease" ]; then echo none; exit 0; fi
                rm -f "$dir/lease"
                touch "$dir/released"
                # Only the safe alphabet goes into the JSON line, whatever the lease held.
                shown=$(printf '%s' "$lease" | head -c @MAX_BYTES@ | tr -c ' @ALPHABET@' '_')
                printf '{"event":"lease-broken","at":%s,"by":"%s","lease":"%s"}\\n' "$now" "$3" "$shown" >> "$dir/history.jsonl"
                if readable; then printf 'broken now=%s %s\\n' "$now" "$lease"
                else printf 'broken-garbled now=%s %s\\n' "$now" "$(encoded)"; fi ;;
              record)
                { cat "$record"; printf '\\n'; } >> "$dir/history.jsonl"
                echo recorded ;;
              history)
                # The newest lines asked for, at most @HISTORY_BYTES@ bytes of them: "cut" when the first line may be a part.
                if [ ! -f "$dir/history.jsonl" ]; then echo whole; exit 0; fi
                if [ "$(($(tail -n "$3" "$dir/history.jsonl" | wc -c)))" -gt @HISTORY_BYTES@ ]; then
                  echo cut; tail -n "$3" "$dir/history.jsonl" | tail -c @HISTORY_BYTES@
                else
                  echo whole; tail -n "$3" "$dir/history.jsonl"
                fi ;;
              *) echo "unknown operation $op" >&2; exit 64 ;;
            esac
            """
            .replace("@READ_BYTES@", String.valueOf(LeaseLine.MAX_BYTES + 1))
            .replace("@MAX_BYTES@", String.valueOf(LeaseLine.MAX_BYTES))
            .replace("@SHAPE@", LeaseLine.SHAPE)
            .replace("@ALPHABET@", ShellWords.ALPHABET)
            .replace("@HISTORY_BYTES@", String.valueOf(DropletLedger.HISTORY_READ_LIMIT));

    private LedgerScript() {}
}
