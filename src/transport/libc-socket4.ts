/**
 * The few libc calls transport/ needs, through koffi (a prebuilt FFI; no compiler on the target):
 * a UDP socket bound to one device before bind(), and SIOCSARP to add an ARP entry. Everything is
 * Linux-specific (constants from <sys/socket.h>, <asm-generic/socket.h>, <linux/sockios.h>,
 * <net/if_arp.h>); the values are the same on x86_64 and aarch64.
 *
 * Nothing here is cached at module level: `loadLibcSocket4()` returns an object the transport holds.
 * koffi is imported lazily, so importing transport/ (e.g. for the fake) never loads a native module.
 */
import { constants as osConstants } from 'node:os';
import type { Ip4 } from '../util/index.ts';
import { TransportError } from './transport-error.ts';

const AF_INET = 2;
const SOCK_DGRAM = 2;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const SOL_SOCKET = 1;
const SO_REUSEADDR = 2;
const SO_BROADCAST = 6;
const SO_BINDTODEVICE = 25;
const SIOCSARP = 0x8955;
const ARPHRD_ETHER = 1;
const ATF_COM = 0x02;
/** sizeof(struct sockaddr) / sockaddr_in. */
const SOCKADDR_SIZE = 16;
/** struct arpreq: arp_pa(16) arp_ha(16) arp_flags(4) arp_netmask(16) arp_dev[16]. */
const ARPREQ_SIZE = 68;
const ARPREQ_HA = 16;
const ARPREQ_FLAGS = 32;
const ARPREQ_DEV = 52;
/** IFNAMSIZ, including the terminating NUL. */
const IFNAMSIZ = 16;

export interface LibcSocket4 {
  /** socket + SO_REUSEADDR + SO_BROADCAST + SO_BINDTODEVICE(ifname) + bind(address:port); returns the fd. */
  openDeviceSocket(ifname: string, port: number, address: Ip4): number;
  /** ioctl(SIOCSARP): a complete (non-permanent) ARP entry ip → mac on ifname. `fd` is any AF_INET socket. */
  setArp(fd: number, ifname: string, ip: Ip4, mac: Uint8Array): void;
  /** if_nametoindex(3): the device's index, or 0 when there is no such device. */
  ifIndex(ifname: string): number;
  /** close(2), for an fd that was never handed to dgram. */
  closeFd(fd: number): void;
}

type NativeFn = (...args: unknown[]) => number;

const errnoNames = new Map<number, string>(Object.entries(osConstants.errno).map(([name, value]) => [value, name]));

/** The errno name (EPERM, ENODEV…) for a number, or `errno N`. */
export function errnoName(errno: number): string {
  return errnoNames.get(errno) ?? `errno ${errno}`;
}

function fail(ifname: string, call: string, errno: number): never {
  const name = errnoName(errno);
  throw new TransportError('ERR_TRANSPORT_SOCKET', `${ifname}: ${call} failed: ${name}`, { ifname, call, errno: name });
}

function ifnameBytes(ifname: string, ifnameCall: string): Buffer {
  const name = Buffer.from(ifname, 'utf8');
  if (name.length === 0 || name.length >= IFNAMSIZ || name.includes(0)) fail(ifname, ifnameCall, osConstants.errno.EINVAL);
  return name;
}

function writeSockaddrIn(target: Buffer, offset: number, address: Ip4, port: number): void {
  target.writeUInt16LE(AF_INET, offset); // sa_family is host order (little-endian on every Linux we run on)
  target.writeUInt16BE(port, offset + 2);
  target.writeUInt32BE(address >>> 0, offset + 4);
}

/** Loads libc through koffi. Throws TransportError ERR_TRANSPORT_SOCKET if it cannot (non-Linux, no koffi build). */
export async function loadLibcSocket4(): Promise<LibcSocket4> {
  if (process.platform !== 'linux') {
    throw new TransportError('ERR_TRANSPORT_SOCKET', `device-bound DHCPv4 sockets need Linux, not ${process.platform}`, {});
  }
  let koffi: typeof import('koffi').default;
  let lib: import('koffi').LibraryHandle;
  try {
    koffi = (await import('koffi')).default;
    lib = koffi.load('libc.so.6');
  } catch (cause) {
    throw new TransportError('ERR_TRANSPORT_SOCKET', `cannot load libc.so.6 through koffi: ${String(cause)}`, {}, cause);
  }
  const socket = lib.func('int socket(int domain, int type, int protocol)') as NativeFn;
  const setsockopt = lib.func('int setsockopt(int fd, int level, int optname, const void *optval, uint32_t optlen)') as NativeFn;
  const bind = lib.func('int bind(int fd, const void *addr, uint32_t addrlen)') as NativeFn;
  const close = lib.func('int close(int fd)') as NativeFn;
  const ioctl = lib.func('int ioctl(int fd, unsigned long request, ...)') as NativeFn;
  const ifNameToIndex = lib.func('unsigned int if_nametoindex(const char *ifname)') as NativeFn;

  const one = Buffer.alloc(4);
  one.writeInt32LE(1, 0);

  function arpRequest(ifname: string, ip: Ip4, call: string): Buffer {
    const name = ifnameBytes(ifname, call);
    const req = Buffer.alloc(ARPREQ_SIZE);
    writeSockaddrIn(req, 0, ip, 0);
    req.writeUInt16LE(ARPHRD_ETHER, ARPREQ_HA);
    name.copy(req, ARPREQ_DEV);
    return req;
  }

  return {
    openDeviceSocket(ifname, port, address) {
      const name = ifnameBytes(ifname, 'SO_BINDTODEVICE');
      const fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (fd < 0) fail(ifname, 'socket', koffi.errno());
      const step = (call: string, rc: number): void => {
        if (rc === 0) return;
        const errno = koffi.errno();
        close(fd);
        fail(ifname, call, errno);
      };
      step('setsockopt(SO_REUSEADDR)', setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, one, 4));
      step('setsockopt(SO_BROADCAST)', setsockopt(fd, SOL_SOCKET, SO_BROADCAST, one, 4));
      // Before bind(): no packet from another link can ever be queued on this socket.
      step('setsockopt(SO_BINDTODEVICE)', setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name, name.length));
      const sockaddr = Buffer.alloc(SOCKADDR_SIZE);
      writeSockaddrIn(sockaddr, 0, address, port);
      step(`bind(port ${port})`, bind(fd, sockaddr, SOCKADDR_SIZE));
      return fd;
    },
    setArp(fd, ifname, ip, mac) {
      if (mac.length !== 6) fail(ifname, 'ioctl(SIOCSARP)', osConstants.errno.EINVAL);
      const req = arpRequest(ifname, ip, 'ioctl(SIOCSARP)');
      req.set(mac, ARPREQ_HA + 2);
      req.writeInt32LE(ATF_COM, ARPREQ_FLAGS);
      if (ioctl(fd, SIOCSARP, 'void *', req) !== 0) fail(ifname, 'ioctl(SIOCSARP)', koffi.errno());
    },
    ifIndex(ifname) {
      return ifNameToIndex(ifname);
    },
    closeFd(fd) {
      close(fd);
    },
  };
}
