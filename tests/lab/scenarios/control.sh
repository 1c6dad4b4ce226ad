# Control run without any clock change. Expected: dhclient renews every 15 s, the address
# stays, and the plugin, while running, reports no step and no warning. The plugin must also
# have announced the lab address with its running dhclient, which shows that it looked.
SCENARIO_ACTION="nothing"
OBSERVE_SECONDS=35

scenario_act() {
  :
}

scenario_check() {
  check_setup_and_plugin || return 1
  check_address_kept || return 1
  check_renewals_after_act 2 || return 1
  local watched
  watched=$(json_select ".type == \"watch\" and .interface == \"veth-client\" and .client == \"dhclient\"
    and .client_alive == true" | head -n 1)
  [[ -n $watched ]] || { echo "the plugin never announced veth-client with a running dhclient"; return 1; }
  local unexpected
  unexpected=$(json_select '.type == "step" or .type == "clock_jump"
    or (.type == "verdict" and .verdict != "ok")' | head -n 3)
  [[ -z $unexpected ]] || { echo "unexpected output without a clock change: $unexpected"; return 1; }
  METRIC="renewals after start $(awk -F'\t' '$2 == "renewed"' "$RESULT_DIR/timeline.tsv" | wc -l)"
}
