/*
 * tresor-launcher: the only executable file of the tresor Velero plugin tree.
 *
 * Velero's container has no shell and no JRE, and it runs every executable file under /plugins, so the plugin
 * is this small native program that starts the JVM shipped beside it through the JNI invocation API:
 *
 *   <self>          this launcher (the only file with an execute bit)
 *   <self>.d/jvmopts one JVM option per line, "@DIR@" = <self>.d, plus one "main=<class>" line
 *   <self>.d/rt/    the jlinked Java runtime (no bin/, no executables)
 *
 * argv is passed to the Java main unchanged; argv[0] (the path Velero ran) is given to Java as
 * -Dtresor.command, because Velero later runs plugins by the command that ListPlugins reports.
 * Nothing is ever written to stdout here: the first stdout line is go-plugin's handshake.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <jni.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAX_OPTIONS 128
#define MAX_LINE 4096
#define THREAD_STACK (2 * 1024 * 1024)

typedef jint (JNICALL *create_vm_fn)(JavaVM **, void **, void *);

struct launch {
    int argc;
    char **argv;
    char dir[PATH_MAX];
    char main_class[MAX_LINE];
    JavaVMOption options[MAX_OPTIONS];
    int noptions;
    int status;
};

/*
 * The AOT cache file (from -XX:AOTCache=), identified by device and inode; set before the JVM starts.
 *
 * The JVM maps the cache's regions privately and, with -XX:ArchiveRelocationMode=0 (jvmopts), at the address it was
 * built for, so nothing has to be relocated. Left to page faults, every first write to one of its ~6,800 pages then
 * traps into the (paravirtualised) kernel on its own; the launcher exports mmap64/mmap, which libjvm.so binds to,
 * and adds MAP_POPULATE to those mappings only, so the kernel makes them private in one batch (measured, start to
 * handshake p50: relocating 209-214 ms, no relocation with faults 247-251 ms, no relocation populated 190-191 ms;
 * RSS unchanged, every page was written by the relocation before). Every other mapping passes through untouched,
 * and a runtime that maps the cache differently simply never matches.
 */
static dev_t aot_dev;
static ino_t aot_ino;

static void remember_aot_cache(const char *option) {
    static const char prefix[] = "-XX:AOTCache=";
    struct stat st;
    if (strncmp(option, prefix, sizeof prefix - 1) == 0
            && syscall(SYS_stat, option + sizeof prefix - 1, &st) == 0) {
        aot_dev = st.st_dev;
        aot_ino = st.st_ino;
    }
}

/* Raw system calls, not glibc wrappers: no symbol newer than glibc 2.2.5, and no recursion into ourselves. */
void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off64_t offset) {
    struct stat st;
    if (fd >= 0 && aot_ino != 0 && (flags & MAP_PRIVATE) && syscall(SYS_fstat, fd, &st) == 0
            && st.st_ino == aot_ino && st.st_dev == aot_dev) {
        flags |= MAP_POPULATE;
    }
    return (void *) syscall(SYS_mmap, addr, len, prot, flags, fd, offset);
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset) {
    return mmap64(addr, len, prot, flags, fd, offset);
}

/*
 * The JIT compilers run at nice +5. Start-up is CPU-bound on the two cores a plugin pod has: after main() starts,
 * the threads that build the gRPC server and the C1/C2 compiler threads want ~145 ms of CPU for ~70 ms of wall
 * time. At a lower priority the compilers fill the gaps instead of taking turns with the threads the handshake
 * waits for (measured, start to handshake p50, interleaved: -8 to -13 ms; renicing them only after the JVM is
 * created gains nothing, they are busy while it starts). Compiled code still arrives: under CPU contention the
 * compilers get a third of a normal thread's share. Lowering one's own priority needs no privilege. HotSpot's own
 * CompilerThreadPriority needs ThreadPriorityPolicy=1, i.e. root.
 *
 * HotSpot names each compiler thread from the thread itself (pthread_setname_np on pthread_self()); the launcher
 * exports that symbol, which libjvm.so binds to, lowers the caller's priority if it is a compiler thread, and
 * passes the call on to the C library.
 */
#define COMPILER_NICE 5
typedef int (*setname_fn)(pthread_t, const char *);
static setname_fn real_setname;
static pthread_once_t setname_once = PTHREAD_ONCE_INIT;

static void find_real_setname(void) {
    real_setname = (setname_fn) dlsym(RTLD_NEXT, "pthread_setname_np");
}

int pthread_setname_np(pthread_t thread, const char *name) {
    if (thread == pthread_self()
            && (strncmp(name, "C1 CompilerThre", 15) == 0 || strncmp(name, "C2 CompilerThre", 15) == 0)) {
        syscall(SYS_setpriority, PRIO_PROCESS, (id_t) syscall(SYS_gettid), COMPILER_NICE);
    }
    pthread_once(&setname_once, find_real_setname);
    return real_setname ? real_setname(thread, name) : 0; /* a thread's name is cosmetic */
}

static void fail(const char *what, const char *detail) {
    fprintf(stderr, "[ERROR] tresor launcher: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
}

/* Copies s with every "@DIR@" replaced by dir; returns NULL if it does not fit. */
static char *expand(const char *s, const char *dir) {
    size_t cap = strlen(s) + 1, dl = strlen(dir);
    for (const char *p = s; (p = strstr(p, "@DIR@")) != NULL; p += 5) cap += dl;
    char *out = malloc(cap);
    if (!out) return NULL;
    char *o = out;
    while (*s) {
        if (strncmp(s, "@DIR@", 5) == 0) {
            memcpy(o, dir, dl);
            o += dl;
            s += 5;
        } else {
            *o++ = *s++;
        }
    }
    *o = '\0';
    return out;
}

static int add_option(struct launch *l, char *text) {
    if (l->noptions >= MAX_OPTIONS) {
        fail("too many JVM options in jvmopts", NULL);
        return -1;
    }
    l->options[l->noptions].optionString = text;
    l->options[l->noptions].extraInfo = NULL;
    l->noptions++;
    return 0;
}

static int read_options(struct launch *l) {
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/jvmopts", l->dir);
    FILE *f = fopen(path, "r");
    if (!f) {
        fail("cannot read JVM options file", path);
        return -1;
    }
    char line[MAX_LINE];
    while (fgets(line, sizeof line, f)) {
        size_t n = strcspn(line, "\r\n");
        line[n] = '\0';
        if (n == 0 || line[0] == '#') continue;
        if (strncmp(line, "main=", 5) == 0) {
            snprintf(l->main_class, sizeof l->main_class, "%s", line + 5);
            for (char *c = l->main_class; *c; c++) if (*c == '.') *c = '/';
            continue;
        }
        char *opt = expand(line, l->dir);
        if (!opt || add_option(l, opt) != 0) {
            fclose(f);
            return -1;
        }
        remember_aot_cache(opt);
    }
    fclose(f);
    if (l->main_class[0] == '\0') {
        fail("jvmopts has no main=<class> line", path);
        return -1;
    }
    return 0;
}

static void *run_java(void *arg) {
    struct launch *l = arg;
    l->status = 1;

    char libjvm[PATH_MAX + 32];
    snprintf(libjvm, sizeof libjvm, "%s/rt/lib/server/libjvm.so", l->dir);
    void *handle = dlopen(libjvm, RTLD_NOW | RTLD_GLOBAL);
    if (!handle) {
        fail("cannot load the Java runtime", dlerror());
        return NULL;
    }
    create_vm_fn create = (create_vm_fn) dlsym(handle, "JNI_CreateJavaVM");
    if (!create) {
        fail("libjvm.so has no JNI_CreateJavaVM", dlerror());
        return NULL;
    }

    JavaVMInitArgs vm_args;
    vm_args.version = JNI_VERSION_10;
    vm_args.nOptions = l->noptions;
    vm_args.options = l->options;
    vm_args.ignoreUnrecognized = JNI_FALSE;
    JavaVM *jvm;
    JNIEnv *env;
    if (create(&jvm, (void **) &env, &vm_args) != JNI_OK) {
        fail("JNI_CreateJavaVM failed (see the JVM's message above)", NULL);
        return NULL;
    }

    jclass main_class = (*env)->FindClass(env, l->main_class);
    jmethodID main_method = main_class
        ? (*env)->GetStaticMethodID(env, main_class, "main", "([Ljava/lang/String;)V") : NULL;
    jclass string_class = (*env)->FindClass(env, "java/lang/String");
    jobjectArray args = main_method && string_class
        ? (*env)->NewObjectArray(env, l->argc - 1, string_class, NULL) : NULL;
    for (int i = 1; args && i < l->argc; i++) {
        jstring s = (*env)->NewStringUTF(env, l->argv[i]);
        if (!s) { args = NULL; break; }
        (*env)->SetObjectArrayElement(env, args, i - 1, s);
        (*env)->DeleteLocalRef(env, s);
    }
    if (!args) {
        if ((*env)->ExceptionCheck(env)) (*env)->ExceptionDescribe(env);
        fail("cannot find the main class or build its arguments", l->main_class);
        (*jvm)->DestroyJavaVM(jvm);
        return NULL;
    }
    (*env)->CallStaticVoidMethod(env, main_class, main_method, args);
    if ((*env)->ExceptionCheck(env)) {
        (*env)->ExceptionDescribe(env); /* stderr */
        l->status = 1;
    } else {
        l->status = 0;
    }
    (*jvm)->DetachCurrentThread(jvm);
    (*jvm)->DestroyJavaVM(jvm);
    return NULL;
}

int main(int argc, char **argv) {
    /* CLOCK_MONOTONIC is System.nanoTime()'s clock on Linux: the plugin reports its start-up phases against it. */
    struct timespec started;
    clock_gettime(CLOCK_MONOTONIC, &started);
    static struct launch l;
    l.argc = argc;
    l.argv = argv;

    /* The JVM reads these even under the invocation API; Velero's pod environment must not steer it. */
    unsetenv("JAVA_TOOL_OPTIONS");
    unsetenv("_JAVA_OPTIONS");
    unsetenv("JDK_JAVA_OPTIONS");

    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 4);
    if (n <= 0) {
        fail("cannot resolve /proc/self/exe", strerror(errno));
        return 1;
    }
    self[n] = '\0';
    if (snprintf(l.dir, sizeof l.dir, "%s.d", self) >= (int) sizeof l.dir) {
        fail("path too long", self);
        return 1;
    }
    if (read_options(&l) != 0) return 1;

    static char command_opt[PATH_MAX + 32], exe_opt[PATH_MAX + 32], started_opt[64];
    snprintf(command_opt, sizeof command_opt, "-Dtresor.command=%s", argv[0]);
    snprintf(exe_opt, sizeof exe_opt, "-Dtresor.executable=%s", self);
    snprintf(started_opt, sizeof started_opt, "-Dtresor.launched.nanos=%lld",
             (long long) started.tv_sec * 1000000000LL + started.tv_nsec);
    if (add_option(&l, command_opt) != 0 || add_option(&l, exe_opt) != 0 || add_option(&l, started_opt) != 0) return 1;

    /* The primordial thread is a poor home for a JVM (fixed stack, no guard pages); use our own. */
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, THREAD_STACK);
    pthread_t thread;
    if (pthread_create(&thread, &attr, run_java, &l) != 0) {
        fail("cannot create the JVM thread", strerror(errno));
        return 1;
    }
    pthread_join(thread, NULL);
    return l.status;
}
