#!/usr/bin/env python3
"""Test peer for transport/ tests: plays a DHCP client or relay inside a network namespace.

  udp4-peer.py send IFNAME DST_IP DST_PORT PAYLOAD [SRC_IP] [SRC_PORT]
      UDP from SRC_IP:SRC_PORT (default 0.0.0.0:68) with SO_BINDTODEVICE + SO_BROADCAST, as a client
      without an address sends a DISCOVER.
  udp4-peer.py recv IFNAME DST_PORT MARKER TIMEOUT_S
      Raw AF_PACKET receive on IFNAME (works without an IPv4 address). Prints "ready", then one JSON line
      for the first IPv4/UDP frame to DST_PORT whose payload contains MARKER, or "timeout".
Bounded: every receive ends after TIMEOUT_S seconds.
"""
import json
import socket
import struct
import sys
import time

SO_BINDTODEVICE = 25
ETH_P_ALL = 0x0003


def send(ifname, dst_ip, dst_port, payload, src_ip='0.0.0.0', src_port='68'):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.SOL_SOCKET, SO_BINDTODEVICE, ifname.encode())
    s.bind((src_ip, int(src_port)))
    s.sendto(payload.encode(), (dst_ip, int(dst_port)))
    s.close()
    print('sent', flush=True)


def mac(b):
    return ':'.join('%02x' % x for x in b)


def recv(ifname, dst_port, marker, timeout_s):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((ifname, 0))
    deadline = time.monotonic() + float(timeout_s)
    print('ready', flush=True)
    want = marker.encode()
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            print('timeout', flush=True)
            return
        s.settimeout(left)
        try:
            frame, addr = s.recvfrom(65535)
        except socket.timeout:
            continue
        if addr[2] == socket.PACKET_OUTGOING or len(frame) < 42:
            continue
        if struct.unpack('!H', frame[12:14])[0] != 0x0800 or frame[23] != 17:
            continue
        ihl = (frame[14] & 15) * 4
        udp = 14 + ihl
        sport, dport = struct.unpack('!HH', frame[udp:udp + 4])
        payload = frame[udp + 8:]
        if dport != int(dst_port) or want not in payload:
            continue
        print(json.dumps({
            'dstMac': mac(frame[0:6]), 'srcMac': mac(frame[6:12]),
            'srcIp': socket.inet_ntoa(frame[26:30]), 'dstIp': socket.inet_ntoa(frame[30:34]),
            'srcPort': sport, 'dstPort': dport, 'payload': payload.decode('latin-1'),
        }), flush=True)
        return


if __name__ == '__main__':
    mode, args = sys.argv[1], sys.argv[2:]
    {'send': send, 'recv': recv}[mode](*args)
