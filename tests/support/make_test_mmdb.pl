#!/usr/bin/perl
# Writes a tiny MaxMind-format country database for tests:
#   make_test_mmdb.pl OUT.mmdb CIDR=CC [CIDR=CC ...]
# Uses Debian's libmaxmind-db-writer-perl. Test data only.
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my $out = shift @ARGV or die "usage: $0 OUT.mmdb CIDR=CC...\n";
my %types = (country => 'map', iso_code => 'utf8_string');
my $tree = MaxMind::DB::Writer::Tree->new(
	ip_version            => 6,
	record_size           => 24,
	# Tests use documentation ranges (RFC 5737, RFC 3849), which the
	# writer drops by default.
	remove_reserved_networks => 0,
	database_type         => 'netsweep-Test-Country',
	languages             => ['en'],
	description           => { en => 'netsweep test database' },
	map_key_type_callback => sub { $types{ $_[0] } },
);
for my $arg (@ARGV) {
	my ($cidr, $cc) = split /=/, $arg, 2;
	$tree->insert_network($cidr, { country => { iso_code => $cc } });
}
open my $fh, '>:raw', $out or die "$out: $!\n";
$tree->write_tree($fh);
close $fh or die "$out: $!\n";
