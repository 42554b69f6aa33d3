#!/usr/bin/env bash
# Never exits, but keeps writing (so never idle).
while :; do echo tick; sleep 0.1; done
