/*
 * password.c: where the AUTH password (and the passphrase of an encrypted
 * client key) comes from.  Never from a command line value (anyone can
 * read those with ps): from the first line of a file, from an environment
 * variable (SMTPSCOPE_PASSWORD, SMTPSCOPE_KEY_PASSPHRASE), or typed at a
 * prompt with echo off.
 * Every copy made here is wiped before it is freed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "smtpscope/util.h"

/* Longest password or bearer token we read (Microsoft 365's access
 * tokens are JSON Web Tokens of 2 to 4 KB); more is an error. */
#define CLI_PASSWORD_MAX	16384

/* Strip the line end (LF or CRLF) from a line read into buf. */
static void
cli_password_chomp(char *buf)
{
	size_t	 len = strcspn(buf, "\n");

	buf[len] = '\0';
	if (len > 0 && buf[len - 1] == '\r')
		buf[len - 1] = '\0';
}

/* Read the first line of fd into buf (NUL-terminated); -1 if too long. */
static int
cli_password_read_line(int fd, char *buf, size_t size)
{
	size_t	 len = 0;
	ssize_t	 n;
	char	 c;

	while ((n = read(fd, &c, 1)) == 1 || (n < 0 && errno == EINTR)) {
		if (n < 0)
			continue;
		if (c == '\n')
			break;
		if (len + 1 >= size) {
			ss_wipe(buf, size);
			return -1;
		}
		buf[len++] = c;
	}
	buf[len] = '\0';
	cli_password_chomp(buf);
	return n < 0 ? -1 : 0;
}

/* The first line of a file, newline stripped. */
static char *
cli_password_from_file(const char *path, const char *noun, char **err)
{
	char	 buf[CLI_PASSWORD_MAX];
	char	*pw = NULL;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		xasprintf(err, "cannot read the %s file %s: %s", noun, path,
		    strerror(errno));
		return NULL;
	}
	if (cli_password_read_line(fd, buf, sizeof buf) != 0)
		xasprintf(err, "the first line of %s is not a %s "
		    "(unreadable, or longer than %d bytes)", path, noun,
		    CLI_PASSWORD_MAX - 1);
	else
		pw = xstrdup(buf);
	close(fd);
	ss_wipe(buf, sizeof buf);
	return pw;
}

/* Ask on the terminal with echo off, restoring the terminal after. */
static char *
cli_secret_prompt(const struct cli_secret_source *src, char **err)
{
	struct termios	 saved, quiet;
	char		 buf[CLI_PASSWORD_MAX];
	char		*pw = NULL;
	int		 fd, rc;

	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) < 0 ||
	    tcgetattr(fd, &saved) != 0) {
		if (fd >= 0)
			close(fd);
		xasprintf(err, "no %s: use %s FILE or %s (there is no "
		    "terminal to ask on)", src->noun, src->file_option,
		    src->env);
		return NULL;
	}
	(void)!write(fd, src->prompt, strlen(src->prompt));
	quiet = saved;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	tcsetattr(fd, TCSAFLUSH, &quiet);
	rc = cli_password_read_line(fd, buf, sizeof buf);
	tcsetattr(fd, TCSAFLUSH, &saved);
	(void)!write(fd, "\n", 1);
	close(fd);
	if (rc != 0)
		xasprintf(err, "the %s could not be read", src->noun);
	else
		pw = xstrdup(buf);
	ss_wipe(buf, sizeof buf);
	return pw;
}

/* A secret from the first source that has one: the file, the
 * environment variable, the prompt (when allowed). */
char *
cli_secret_get(const struct cli_secret_source *src, int prompt, char **err)
{
	const char	*env;

	*err = NULL;
	if (src->file != NULL)
		return cli_password_from_file(src->file, src->noun, err);
	if ((env = getenv(src->env)) != NULL)
		return xstrdup(env);
	if (prompt)
		return cli_secret_prompt(src, err);
	xasprintf(err, "no %s: use %s FILE or %s", src->noun,
	    src->file_option, src->env);
	return NULL;
}

/* The password, from the first source that has one. */
char *
cli_password_get(const char *file, const char *user, const char *what,
    int prompt, char **err)
{
	struct cli_secret_source	 src;
	char				*prompt_text, *pw;

	xasprintf(&prompt_text, "%c%s for %s: ", what[0] == 'p' ? 'P' : 'B',
	    what + 1, user);
	src.file = file;
	src.file_option = "--password-file";
	src.env = "SMTPSCOPE_PASSWORD";
	src.noun = "password";
	src.prompt = prompt_text;
	pw = cli_secret_get(&src, prompt, err);
	free(prompt_text);
	return pw;
}
