#!/usr/bin/env bash
# create_user_template.sh — standard Linux account setup for a new hire
#
# Purpose: Create a new hire's account on the Linux file/app server the same way every time
#          (account, home from the skeleton, department folders, groups, forced first-login change).
# Usage: create_user_template.sh --username jdoe --full-name "Jane Doe" --department Billing \
#          [--groups staff,billing] [--skel-dir /etc/skel] [--home-base /home] [--dry-run]
# KB: KB-OPS-003
#
# Always run with --dry-run first and paste the output into the onboarding ticket.
# The initial credential is NOT set here: issue it with the reset tool (SOP-004).
#
# Exit codes: 0 done (or dry run printed), 2 bad/missing arguments, 3 user already exists,
#             4 a group does not exist, 5 must run as root (real run only).

set -euo pipefail

readonly PROG="${0##*/}"
readonly USERNAME_RE='^[a-z][a-z0-9._-]{1,30}$'
readonly GROUP_RE='^[a-z_][a-z0-9_-]{0,31}$'
readonly DEPARTMENT_RE='^[A-Za-z0-9][A-Za-z0-9 &-]{0,39}$'

username=""
full_name=""
department=""
groups=""
skel_dir="/etc/skel"
home_base="/home"
dry_run=0

usage() {
    cat <<EOF
Usage: $PROG --username NAME --full-name "First Last" --department DEPT [options]

Create a standard user account for a new hire.

Required:
  --username NAME      login name: lowercase letter first, then a-z 0-9 . _ - (2-31 chars)
  --full-name "NAME"   display name (no ':' or ',')
  --department DEPT    department, e.g. Billing, "Front Desk", Hygiene

Options:
  --groups a,b         extra groups (comma separated, must already exist)
  --skel-dir DIR       skeleton directory to copy (default: /etc/skel)
  --home-base DIR      parent of home directories (default: /home)
  --dry-run            print every command instead of running it
  -h, --help           show this help

Example:
  $PROG --username jdoe --full-name "Jane Doe" --department Billing --groups staff,billing --dry-run
EOF
}

die() {
    local code="$1"; shift
    printf '%s: error: %s\n' "$PROG" "$*" >&2
    exit "$code"
}

# Quote an argument for display only when it needs it ('Jane Doe,Billing').
show_arg() {
    if [[ "$1" =~ ^[A-Za-z0-9_./:=@,+-]+$ ]]; then
        printf ' %s' "$1"
    else
        printf " '%s'" "${1//\'/\'\\\'\'}"
    fi
}

# Print the command in a copy-pasteable form; run it unless this is a dry run.
run() {
    if (( dry_run )); then
        printf 'DRY-RUN:'
        local arg
        for arg in "$@"; do show_arg "$arg"; done
        printf '\n'
    else
        printf '+ %s\n' "$*" >&2
        "$@"
    fi
}

need_value() {
    [[ $# -ge 2 && -n "$2" && "$2" != --* ]] || die 2 "option $1 needs a value (see --help)"
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --username)   need_value "$@"; username="$2"; shift 2 ;;
        --full-name)  need_value "$@"; full_name="$2"; shift 2 ;;
        --department) need_value "$@"; department="$2"; shift 2 ;;
        --groups)     need_value "$@"; groups="$2"; shift 2 ;;
        --skel-dir)   need_value "$@"; skel_dir="$2"; shift 2 ;;
        --home-base)  need_value "$@"; home_base="$2"; shift 2 ;;
        --dry-run)    dry_run=1; shift ;;
        -h|--help)    usage; exit 0 ;;
        *)            die 2 "unknown argument '$1' (see --help)" ;;
    esac
done

[[ -n "$username" ]]   || die 2 "--username is required (see --help)"
[[ -n "$full_name" ]]  || die 2 "--full-name is required (see --help)"
[[ -n "$department" ]] || die 2 "--department is required (see --help)"

[[ "$username" =~ $USERNAME_RE ]] \
    || die 2 "invalid username '$username': use a lowercase letter first, then a-z 0-9 . _ - (2-31 chars)"
[[ "$full_name" != *:* && "$full_name" != *,* ]] \
    || die 2 "invalid full name '$full_name': ':' and ',' are not allowed"
[[ "$department" =~ $DEPARTMENT_RE ]] \
    || die 2 "invalid department '$department': letters, digits, spaces, '&' and '-' only"

if getent passwd "$username" >/dev/null; then
    die 3 "user '$username' already exists; refusing to touch an existing account"
fi

group_list=()
if [[ -n "$groups" ]]; then
    IFS=',' read -r -a raw_groups <<<"$groups"
    for group in "${raw_groups[@]}"; do
        group="${group// /}"
        [[ -n "$group" ]] || continue
        [[ "$group" =~ $GROUP_RE ]] || die 2 "invalid group name '$group'"
        if ! getent group "$group" >/dev/null; then
            if (( dry_run )); then
                printf '%s: warning: group %s does not exist on this host; the real run will stop here\n' \
                    "$PROG" "$group" >&2
            else
                die 4 "group '$group' does not exist; create it first or drop it from --groups"
            fi
        fi
        group_list+=("$group")
    done
fi

if (( ! dry_run )) && [[ $EUID -ne 0 ]]; then
    die 5 "must run as root (or use --dry-run to preview)"
fi

home_dir="${home_base%/}/$username"
dept_slug="$(tr '[:upper:] ' '[:lower:]-' <<<"$department")"

mode_note=""
(( dry_run )) && mode_note=" [dry run]"
printf '%s: setting up %s (%s, %s)%s\n' "$PROG" "$username" "$full_name" "$department" "$mode_note" >&2

run useradd --comment "$full_name,$department" --shell /bin/bash --home-dir "$home_dir" --no-create-home "$username"
run mkdir -p "$home_dir"
run cp -a "${skel_dir%/}/." "$home_dir/"
run mkdir -p "$home_dir/Documents" "$home_dir/Scans" "$home_dir/Department-$dept_slug"
run chown -R "$username:$username" "$home_dir"
run chmod 0750 "$home_dir"
if (( ${#group_list[@]} )); then
    run usermod --append --groups "$(IFS=','; printf '%s' "${group_list[*]}")" "$username"
fi
# Locked until the technician issues a temporary credential; change forced at first login.
run passwd --lock "$username"
run chage --lastday 0 "$username"

printf '%s: %s. Next: issue a temporary credential with the reset tool (SOP-004) and note it in the ticket log (never the value).\n' \
    "$PROG" "$( (( dry_run )) && echo 'dry run complete, nothing changed' || echo 'account created' )" >&2
