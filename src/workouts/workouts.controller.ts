import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ParseIdPipe } from '../common/validation';
import { CreateWorkoutDto } from './dto/create-workout.dto';
import { UpdateWorkoutDto } from './dto/update-workout.dto';
import { WorkoutsService } from './workouts.service';

@Controller('workouts')
export class WorkoutsController {
  constructor(private readonly workouts: WorkoutsService) {}

  @Get()
  list() {
    return this.workouts.list();
  }

  @Get(':id')
  get(@Param('id', ParseIdPipe) id: number) {
    return this.workouts.get(id);
  }

  @Post()
  @HttpCode(201)
  create(@Body() body: CreateWorkoutDto) {
    return this.workouts.create(body);
  }

  @Put(':id')
  update(@Param('id', ParseIdPipe) id: number, @Body() body: UpdateWorkoutDto) {
    return this.workouts.update(id, body);
  }

  @Delete(':id')
  async delete(@Param('id', ParseIdPipe) id: number) {
    await this.workouts.delete(id);
    return { message: 'Workout deleted' };
  }
}
