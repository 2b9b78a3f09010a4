#!/usr/bin/env bash
# Plays a sample pathway against a running gateway with tobaccoctl, so a
# newcomer can watch it: a community mental health team refers a patient on
# clozapine; the service recommends varenicline to the GP, who prescribes;
# a pharmacy dispenses; the service records a 4-week CO-verified quit. A
# second request supplies a vape kit through a pharmacy. The gateway's outbox
# delivers what each step owes the other organisations' systems (played by
# tobacco-demo-receivers under deploy/run.sh): the GP's letters go over MESH
# (organisations[].mesh) as a PDF in a GP Connect Send Document, the rest
# over FHIR or HL7 v2; the operator's view of it ends the script. All data is
# fictional (NHS number from the 999 test range).
set -euo pipefail
ctl=${TOBACCOCTL:-build/default/gateway/cli/tobaccoctl}
target=${TARGET:-localhost:50051}
certs=${CERTS:-certs/out}
# as ORG ARGS...: run tobaccoctl with that organisation's certificate, so
# every step is done, and audited, as the party that really does it.
as() {
  local org=$1
  shift
  "$ctl" --target "$target" --ca "$certs/ca.pem" --cert "$certs/$org.pem" \
    --key "$certs/$org.key" "$@"
}
say() { printf '\n== %s\n' "$*"; }
# delivered RX ORG ODS: the outbox sends the request to the organisation's
# system, and its confirmation moves the request to SENT, then ACKNOWLEDGED:
# within moments over FHIR; over MESH (the GP letter) once the practice's
# system has taken the letter from its mailbox and its ITK3 business
# acknowledgement has come back to the gateway's, a few polls of each mailbox
# (recording them by hand as well would be refused as an illegal step).
# Without a route to it (organisations[].fhir.url or .mesh) or with its system
# down, nothing is confirmed: the service and the organisation then record
# those steps themselves, as they would after a phone call.
delivered() {
  local rx=$1 org=$2 ods=$3 status='' said=''
  local start=$SECONDS
  while ((SECONDS - start < 20)); do
    status=$(as service-tds01 --json prescriptions show "$rx" | jq -r .status)
    [[ $status == PRESCRIPTION_STATUS_ACKNOWLEDGED ]] && return 0
    if [[ -z $said ]] && ((SECONDS - start >= 4)); then
      echo "(waiting for $ods's acknowledgement: ${status#PRESCRIPTION_STATUS_} so far; over MESH it takes a few seconds)"
      said=1
    fi
    sleep 0.2
  done
  echo "(not confirmed by $ods's system: recording SENT and ACKNOWLEDGED by hand)"
  if [[ $status == PRESCRIPTION_STATUS_RECOMMENDED ]]; then
    as service-tds01 prescriptions sent "$rx" --actor-ods TDS01 >/dev/null
  fi
  as "$org" prescriptions acknowledge "$rx" --actor-ods "$ods" >/dev/null
}
# this_run STATE: how many of this referral's outbound messages are in STATE
# (empty = any).
this_run() {
  as admin-ops --json deliveries list ${1:+--state "$1"} --page-size 500 |
    jq --arg r "$referral" '[.deliveries[]? | select(.referralId == $r)] | length'
}
# awaiting: how many of them MESH took whose ITK3 acknowledgements are still
# to come back.
awaiting() {
  as admin-ops --json deliveries list --page-size 500 |
    jq --arg r "$referral" '[.deliveries[]? | select(.referralId == $r and
      .state == "DELIVERY_STATE_AWAITING_ACKNOWLEDGEMENT")] | length'
}

say "Community mental health team RX9 refers a patient on clozapine"
referral=$(as trust-rx9 --json referrals create \
  --nhs-number "999 000 0018" --dob 1980-04-01 \
  --given-name Sam --family-name Testpatient \
  --referrer-ods RX9 --source community_mental_health \
  --practitioner C1234567 --practitioner-register gmc \
  --service-ods TDS01 --gp-ods Y90001 \
  --cigarettes-per-day 25 --co-ppm 28 --diagnosis schizophrenia --smi \
  --medicines "Clozapine 200mg tablets" --goal quit_now --text-reminders \
  --share-with-gp --share-with-pharmacy --share-with-mh-team | jq -r .referralId)
as trust-rx9 referrals show "$referral"
as service-tds01 referrals set-status "$referral" accepted --actor-ods TDS01 >/dev/null

say "The service recommends varenicline; the gateway sends it to GP practice Y90001"
rx=$(as service-tds01 --json prescriptions recommend --referral "$referral" \
  --product varenicline-1mg --dose "0.5mg once daily for 3 days, then twice daily; 1mg twice daily from day 8" \
  --quantity 56 --unit tablet --duration-days 28 --route gp_prescription \
  --nominated-pharmacy FZZ99 --reason "Smoker with schizophrenia on clozapine; wants to quit now" \
  --practitioner 12A3456B --practitioner-register nmc | jq -r .prescriptionId)
delivered "$rx" gp-y90001 Y90001
as gp-y90001 prescriptions prescribe "$rx" --actor-ods Y90001 --eps-id 24F5DA-A83008-7EFE6Z >/dev/null
as pharmacy-fzz99 prescriptions dispense "$rx" --actor-ods FZZ99 \
  --external-id "https://fhir.nhs.uk/Id/prescription-order-number=24F5DA-A83008-7EFE6Z" >/dev/null
as service-tds01 prescriptions timeline "$rx"

say "A vape starter kit is supplied directly by pharmacy FZZ99"
vape=$(as service-tds01 --json prescriptions recommend --referral "$referral" \
  --product vape-starter-kit --dose "Use as needed instead of smoking" \
  --quantity 1 --unit kit --duration-days 28 --route pharmacy_supply \
  --target-ods FZZ99 --practitioner 12A3456B --practitioner-register nmc | jq -r .prescriptionId)
delivered "$vape" pharmacy-fzz99 FZZ99
as pharmacy-fzz99 prescriptions supply "$vape" --actor-ods FZZ99 >/dev/null
as service-tds01 prescriptions list --referral "$referral"

say "The quit date, set with the patient (the referral moves to in_treatment)"
as service-tds01 referrals quit-date "$referral" "$(date -u -d '-30 days' +%F)" \
  --actor-ods TDS01 >/dev/null

say "Four weeks on: a CO-verified quit (its quit date from the record)"
as service-tds01 outcomes record --referral "$referral" --follow-up 4 --status quit_co_verified \
  --co-ppm 4 --recorded-on "$(date -u +%F)" \
  --actor-ods TDS01 >/dev/null
as trust-rx9 outcomes list "$referral"

say "A second pharmacy sees nothing of it, and cannot confirm it"
as pharmacy-fzz98 prescriptions list
as pharmacy-fzz98 prescriptions supply "$vape" --actor-ods FZZ98 || true

say "The operator verifies the audit chain of every access"
as admin-ops audit verify

say "An illegal step is refused with the reason"
as service-tds01 prescriptions cancel "$vape" --actor-ods TDS01 --reason PATIENT_DECLINED || true

say "What the gateway sent in this run, and to whom (the outbox, as the operator sees it)"
# Delivery runs beside the pathway: give the last messages a moment, and the
# letters over MESH their acknowledgements.
for _ in $(seq 1 100); do
  [[ $(this_run pending) == 0 && $(awaiting) == 0 ]] && break
  sleep 0.2
done
sent=$(this_run "")
if [[ $sent == 0 ]]; then
  echo "nothing: the gateway's config has no delivery routes (organisations[].mllp.outbound_address, organisations[].fhir.url, organisations[].mesh)"
else
  # Newest first, so this run's messages are the first $sent.
  as admin-ops deliveries list --page-size "$sent"
  if as admin-ops --json deliveries list --page-size "$sent" |
    jq -e '[.deliveries[]? | select(.channel == "DELIVERY_CHANNEL_MESH")] | length > 0' >/dev/null; then
    echo "(channel MESH: the GP's letters, each a PDF in an ITK3 message to the practice's"
    echo " MESH mailbox; AWAITING_ACKNOWLEDGEMENT until its ITK3 acknowledgements are back)"
  fi
fi
