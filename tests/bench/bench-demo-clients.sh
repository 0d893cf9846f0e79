#!/bin/bash
# bench-demo-clients.sh [SMTPSCOPE] [CLIENTS]: the demo server with many
# clients at once (issue 6): CLIENTS connections (default 200) are opened
# together, each reads the banner and sends EHLO, and all stay open while
# the server's RSS is read; then they QUIT.  Prints how many were served,
# how many refused, and the server's RSS before, at peak and after, against
# the bound in doc/demo-server.md.
set -euo pipefail
smtpscope=${1:-build/src/cli/smtpscope}
clients=${2:-200}
dir=$(mktemp -d)
"$smtpscope" --serve-demo 127.0.0.1:0 >"$dir/out" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
for i in $(seq 1 100); do
	grep -q 'port [0-9]' "$dir/out" && break
	sleep 0.1
done
port=$(sed -n 's/.*127\.0\.0\.1 port \([0-9]*\).*/\1/p' "$dir/out" | head -1)
rss() { awk '/VmRSS/ { print $2 }' "/proc/$pid/status"; }
before=$(rss)
perl -MIO::Socket::INET -e '
	my ($port, $n, $pid) = @ARGV;
	my (@s, $ok, $refused);
	for (1 .. $n) {
		my $c = IO::Socket::INET->new(PeerAddr => "127.0.0.1",
		    PeerPort => $port) or die "connect: $!\n";
		push @s, $c;
	}
	for my $c (@s) {
		my $b = <$c>;
		if (defined $b && $b =~ /^220 /) { $ok++ } else { $refused++ }
		print $c "EHLO bench.example\r\n";
	}
	for my $c (@s) {
		while (my $l = <$c>) { last if $l =~ /^250 / }
	}
	open my $st, "<", "/proc/$pid/status"; my ($peak) = grep /VmRSS/, <$st>;
	$peak =~ s/\D+//g;
	print "$ok ", ($refused // 0), " $peak\n";
	for my $c (@s) { print $c "QUIT\r\n"; my $l = <$c>; close $c }
' "$port" "$clients" "$pid" > "$dir/res"
sleep 0.5
after=$(rss)
read -r ok refused peak < "$dir/res"
printf 'demo server, %d clients at once: %d greeted, %d refused\n' \
    "$clients" "$ok" "$refused"
printf 'server RSS: %d KiB before, %d KiB with all open, %d KiB after\n' \
    "$before" "$peak" "$after"
[ "$refused" -eq 0 ] && [ "$ok" -eq "$clients" ]
