# profile_arg ARGS...: the profile named by `--profile NAME` (or `--profile=NAME`) among ARGS, default dev;
# dies on any other argument or an unknown profile. Sourced after lib.sh.
profile_arg() {
  local profile=dev
  while (( $# )); do
    case $1 in
      --profile) (( $# >= 2 )) || die "--profile needs a name"; profile=$2; shift 2 ;;
      --profile=*) profile=${1#--profile=}; shift ;;
      *) die "unknown argument '$1' (usage: --profile NAME)" ;;
    esac
  done
  [[ -f $STACK_ROOT/profiles/$profile.env ]] || die "unknown profile '$profile' (no ops/stack/profiles/$profile.env)"
  printf '%s' "$profile"
}
