"""`legalaid check-report`: registered separately; the shell lives in toolkit.commands.report."""

from toolkit.commands.report import CheckCommand

NAME = CheckCommand.NAME
HELP = CheckCommand.HELP
add_arguments = CheckCommand.add_arguments
run = CheckCommand.run
