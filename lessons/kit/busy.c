#include "lessons/kit/busy.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "core/die.h"

pid_t busy_start(void)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) CN_DIE("fork failed: cannot start the competing busy process");
    if (pid == 0) {
#ifdef __linux__
        prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
        for (volatile unsigned long spin = 0;; spin++) {
        }
    }
    return pid;
}

void busy_stop(pid_t pid)
{
    kill(pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
    }
}
