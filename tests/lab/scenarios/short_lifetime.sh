# The kernel address lifetime cut to 20 s while dhclient renews only after 60 s. Expected:
# the verdict lifetime_shorter_than_renewal, then the address is gone.
SCENARIO_ACTION="ip addr change ADDRESS dev veth-client valid_lft 20 preferred_lft 20"
LEASE_TIME=120
RENEWAL_TIME=60
REBINDING_TIME=105
OBSERVE_SECONDS=30

scenario_act() {
  ip addr change "$(client_address_with_prefix)" dev "$CLIENT_IF" valid_lft 20 preferred_lft 20
}

scenario_check() {
  check_setup_and_plugin || return 1
  check_verdict lifetime_shorter_than_renewal || return 1
  check_address_lost || return 1
  check_warning_before_loss || return 1
  METRIC="warning to address loss $(seconds_between "$VERDICT_TIME" "$ADDRESS_GONE_TIME") s (predicted seconds_to_loss: $VERDICT_SECONDS_TO_LOSS)"
}
