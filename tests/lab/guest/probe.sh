#!/bin/bash
# Boot probe: proves that the guest boots and reaches the host tree, and records how long the
# boot took in guest seconds.
cut -d' ' -f1 /proc/uptime > /lab-out/boot-seconds
