import type { ProjectRecipe } from '../recipe.js';

/**
 * MHD_config.h as configure writes it on Debian (glibc, Linux, POSIX threads, epoll, eventfd),
 * without HTTPS (no GnuTLS in the cross sysroots). Type sizes and byte order come from the
 * compiler's predefined macros, so one file serves every target.
 */
const CONFIG = `#define BAUTH_SUPPORT 1
#define DAUTH_SUPPORT 1
#define EPOLL_SUPPORT 1
#define HAVE_ACCEPT4 1
#define HAVE_ARPA_INET_H 1
#define HAVE_CALLOC 1
#define HAVE_CLOCK_GETTIME 1
#define HAVE_C_ALIGNOF 1
#define HAVE_C_VARARRAYS 1
#define HAVE_DLFCN_H 1
#define HAVE_ENDIAN_H 1
#define HAVE_EPOLL_CREATE1 1
#define HAVE_ERRNO_H 1
#define HAVE_FCNTL_H 1
#define HAVE_FORK 1
#define HAVE_FSEEKO 1
#define HAVE_GETSOCKNAME 1
#define HAVE_GETTIMEOFDAY 1
#define HAVE_GMTIME_R 1
#define HAVE_INET6 1
#define HAVE_INTTYPES_H 1
#define HAVE_LIMITS_H 1
#define HAVE_LINUX_SENDFILE 1
#define HAVE_LISTEN_SHUTDOWN 1
#define HAVE_LSEEK64 1
#define HAVE_MEMMEM 1
#define HAVE_MESSAGES 1
#define HAVE_NANOSLEEP 1
#define HAVE_NETDB_H 1
#define HAVE_NETINET_IN_H 1
#define HAVE_NETINET_IP_H 1
#define HAVE_NETINET_IP_ICMP_H 1
#define HAVE_NETINET_TCP_H 1
#define HAVE_NET_IF_H 1
#define HAVE_POLL 1
#define HAVE_POLL_H 1
#define HAVE_POSTPROCESSOR 1
#define HAVE_PREAD 1
#define HAVE_PREAD64 1
#define HAVE_PTHREAD_H 1
#define HAVE_PTHREAD_PRIO_INHERIT 1
#define HAVE_PTHREAD_SETNAME_NP_GNU 1
#define HAVE_PTHREAD_SIGMASK 1
#define HAVE_RANDOM 1
#define HAVE_REAL_BOOL 1
#define HAVE_SEARCH_H 1
#define HAVE_SENDFILE64 1
#define HAVE_SENDMSG 1
#define HAVE_SIGNAL_H 1
#define HAVE_SNPRINTF 1
#define HAVE_SOCK_NONBLOCK 1
#define HAVE_STDALIGN_H 1
#define HAVE_STDBOOL_H 1
#define HAVE_STDDEF_H 1
#define HAVE_STDINT_H 1
#define HAVE_STDIO_H 1
#define HAVE_STDLIB_H 1
#define HAVE_STRINGS_H 1
#define HAVE_STRING_H 1
#define HAVE_SYSCONF 1
#define HAVE_SYS_EVENTFD_H 1
#define HAVE_SYS_IOCTL_H 1
#define HAVE_SYS_MMAN_H 1
#define HAVE_SYS_MSG_H 1
#define HAVE_SYS_PARAM_H 1
#define HAVE_SYS_SELECT_H 1
#define HAVE_SYS_SOCKET_H 1
#define HAVE_SYS_STAT_H 1
#define HAVE_SYS_TIME_H 1
#define HAVE_SYS_TYPES_H 1
#define HAVE_TIMESPEC_GET 1
#define HAVE_TIME_H 1
#define HAVE_TSEARCH 1
#define HAVE_TWALK 1
#define HAVE_UNISTD_H 1
#define HAVE_USLEEP 1
#define HAVE_WAITPID 1
#define HAVE_WRITEV 1
#define HAVE___FUNC__ 1
#define INLINE_FUNC 1
#define LINUX 1
#define MHD_HAVE___BUILTIN_BSWAP32 1
#define MHD_HAVE___BUILTIN_BSWAP64 1
#define MHD_USE_GETSOCKNAME 1
#define MHD_USE_POSIX_THREADS 1
#define NDEBUG 1
#define PACKAGE "libmicrohttpd"
#define PACKAGE_NAME "GNU Libmicrohttpd"
#define PACKAGE_VERSION "0.9.75"
#define VERSION "0.9.75"
#define SIZEOF_SIZE_T __SIZEOF_SIZE_T__
#define SIZEOF_STRUCT_TIMEVAL_TV_SEC __SIZEOF_LONG__
#define SIZEOF_UINT64_T 8
#define SIZEOF_UNSIGNED_INT __SIZEOF_INT__
#define SIZEOF_UNSIGNED_LONG_LONG __SIZEOF_LONG_LONG__
#define STDC_HEADERS 1
#define UPGRADE_SUPPORT 1
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
# define WORDS_BIGENDIAN 1
#endif
#define _GNU_SOURCE 1
#define _MHD_EXTERN __attribute__((visibility("default"))) extern
#define _MHD_ITC_EVENTFD 1
#define _MHD_NORETURN _Noreturn
#define _MHD_static_inline static inline __attribute__((always_inline))
#define _XOPEN_SOURCE 700
`;

const LIB = ['connection', 'reason_phrase', 'daemon', 'internal', 'memorypool', 'mhd_mono_clock', 'sysfdsetsize', 'mhd_str',
  'mhd_send', 'mhd_sockets', 'mhd_itc', 'mhd_compat', 'response', 'mhd_threads', 'postprocessor', 'digestauth', 'md5',
  'sha256', 'basicauth', 'base64'].map((f) => `src/microhttpd/${f}.c`);

/** GNU libmicrohttpd as Debian configures it, less HTTPS; the sources of src/microhttpd/Makefile.am. */
export const libmicrohttpd: ProjectRecipe = {
  name: 'libmicrohttpd',
  sourcePackage: 'libmicrohttpd',
  version: '0.9.75-6',
  cflags: ['-DHAVE_CONFIG_H', '-fvisibility=hidden', '-I{src}/src/include', '-I{src}/src/microhttpd'],
  generated: { 'MHD_config.h': CONFIG },
  binaries: [
    { name: 'libmicrohttpd.so', kind: 'shared', sources: LIB, cflags: ['-DBUILDING_MHD_LIB=1'], ldflags: ['-lpthread'] },
    { name: 'post_example', kind: 'program', sources: ['src/examples/post_example.c'], linkWith: ['libmicrohttpd.so'] },
  ],
};
